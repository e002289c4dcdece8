import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a}from"./chunk-XFW66TOT.js";import"./chunk-TZN7URKK.js";export default a();
