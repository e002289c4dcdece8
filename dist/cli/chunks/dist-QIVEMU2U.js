import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a}from"./chunk-Z375XYBH.js";import"./chunk-PRVMFHGY.js";export default a();
