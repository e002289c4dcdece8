import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a}from"./chunk-GRVH7NMQ.js";import"./chunk-V2SOFIKK.js";export default a();
