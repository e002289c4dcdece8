import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a,b}from"./chunk-SST5G4B6.js";import"./chunk-3ABCTCKU.js";import"./chunk-FTJL2TAL.js";export{a as create,b as hashFiles};
//# sourceMappingURL=glob-7JYC2GDH.js.map
