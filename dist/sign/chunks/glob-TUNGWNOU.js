import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a,b}from"./chunk-7K7L254K.js";import"./chunk-IEYH34CW.js";import"./chunk-TZN7URKK.js";export{a as create,b as hashFiles};
