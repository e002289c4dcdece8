import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a,b}from"./chunk-ILJM7BHT.js";import"./chunk-5SEAML5N.js";import"./chunk-TZN7URKK.js";export{a as create,b as hashFiles};
