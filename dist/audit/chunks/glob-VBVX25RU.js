import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a,b}from"./chunk-ZOEBTB3Y.js";import"./chunk-7OZOBJHG.js";export{a as create,b as hashFiles};
//# sourceMappingURL=glob-VBVX25RU.js.map
