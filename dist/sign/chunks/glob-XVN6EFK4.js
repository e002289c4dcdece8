import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a,b}from"./chunk-Z7BCRDW3.js";import"./chunk-4G6F45TC.js";import"./chunk-FTJL2TAL.js";export{a as create,b as hashFiles};
//# sourceMappingURL=glob-XVN6EFK4.js.map
