import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a,b}from"./chunk-CLWVZ7DZ.js";import"./chunk-6AK5CZC7.js";import"./chunk-TZN7URKK.js";export{a as create,b as hashFiles};
