import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a,b}from"./chunk-TW4ZG7EI.js";import"./chunk-OQYUOG5H.js";import"./chunk-TZN7URKK.js";export{a as create,b as hashFiles};
