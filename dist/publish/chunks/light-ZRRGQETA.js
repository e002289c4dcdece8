import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a}from"./chunk-YIJWFVHW.js";import"./chunk-63BBJ6O3.js";export default a();
//# sourceMappingURL=light-ZRRGQETA.js.map
