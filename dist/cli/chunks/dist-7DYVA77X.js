import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a}from"./chunk-RXKN3ZIH.js";import"./chunk-FTJL2TAL.js";export default a();
//# sourceMappingURL=dist-7DYVA77X.js.map
