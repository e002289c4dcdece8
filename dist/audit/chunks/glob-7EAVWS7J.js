import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a,b}from"./chunk-XHHMEKCU.js";import"./chunk-CY3QQHH7.js";export{a as create,b as hashFiles};
