import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{k as a,l as b,m as c,n as d}from"./chunk-U4KEXN74.js";import"./chunk-RXKN3ZIH.js";import"./chunk-G6I2PUDK.js";import"./chunk-FTJL2TAL.js";export{a as EMPTY_CONFIG,d as isIgnored,c as loadConfig,b as parseConfig};
//# sourceMappingURL=config-STZCZYPD.js.map
