import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a,b}from"./chunk-IY3FZHBO.js";import"./chunk-ALVC3QTV.js";import"./chunk-FTJL2TAL.js";export{a as create,b as hashFiles};
//# sourceMappingURL=glob-TX2H5ZL2.js.map
