import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a,b}from"./chunk-XAIBLSTS.js";import"./chunk-PJ4HRHD7.js";import"./chunk-TZN7URKK.js";export{a as create,b as hashFiles};
