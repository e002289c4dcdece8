import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a,b}from"./chunk-YPZONROR.js";import"./chunk-OQJIBU2T.js";import"./chunk-TZN7URKK.js";export{a as create,b as hashFiles};
