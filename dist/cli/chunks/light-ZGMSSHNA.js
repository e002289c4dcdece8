import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a}from"./chunk-VW67JCHD.js";import"./chunk-PRVMFHGY.js";export default a();
