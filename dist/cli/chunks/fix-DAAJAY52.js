import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a,b,c,d,e}from"./chunk-7S2WJIKJ.js";import"./chunk-LH6DZK2T.js";import"./chunk-U4KEXN74.js";import"./chunk-RXKN3ZIH.js";import"./chunk-G6I2PUDK.js";import"./chunk-FTJL2TAL.js";export{e as applyFixes,c as fixFiles,a as fixSource,b as fixSources,d as previewFixes};
//# sourceMappingURL=fix-DAAJAY52.js.map
