import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a}from"./chunk-XQJEQQLW.js";import"./chunk-FTJL2TAL.js";export default a();
//# sourceMappingURL=light-IPZHW4BF.js.map
