import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a}from"./chunk-6FTNVMXN.js";import"./chunk-GRVJGTZ5.js";export default a();
//# sourceMappingURL=light-ZFMLCG2I.js.map
