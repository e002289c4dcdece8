import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a,b}from"./chunk-O4P73PL3.js";import"./chunk-NRV3TEC2.js";import"./chunk-FTJL2TAL.js";export{a as create,b as hashFiles};
//# sourceMappingURL=glob-VEBTDRBR.js.map
