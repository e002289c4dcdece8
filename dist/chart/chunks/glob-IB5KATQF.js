import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a,b}from"./chunk-TCP6BGQG.js";import"./chunk-XK45PVY2.js";export{a as create,b as hashFiles};
//# sourceMappingURL=glob-IB5KATQF.js.map
