import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a,b}from"./chunk-I4ECNVV4.js";import"./chunk-MVVDWAYU.js";import"./chunk-TZN7URKK.js";export{a as create,b as hashFiles};
