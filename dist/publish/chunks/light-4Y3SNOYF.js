import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a}from"./chunk-4TWHRJTR.js";import"./chunk-TZN7URKK.js";export default a();
