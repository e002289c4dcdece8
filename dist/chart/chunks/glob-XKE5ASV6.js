import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a,b}from"./chunk-7XUNKNK6.js";import"./chunk-YJMNEQEC.js";import"./chunk-TZN7URKK.js";export{a as create,b as hashFiles};
