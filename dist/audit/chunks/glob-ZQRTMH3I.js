import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a,b}from"./chunk-HSZP2VFW.js";import"./chunk-XXY5NLLR.js";export{a as create,b as hashFiles};
