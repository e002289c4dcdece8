import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a,b}from"./chunk-VPH22VPV.js";import"./chunk-5NPPAVAF.js";export{a as create,b as hashFiles};
