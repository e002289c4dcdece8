import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a,b}from"./chunk-V774FBTI.js";import"./chunk-YA6ALVVU.js";import"./chunk-TZN7URKK.js";export{a as create,b as hashFiles};
