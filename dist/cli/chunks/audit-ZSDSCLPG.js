import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{j as a,k as b,l as c}from"./chunk-LH6DZK2T.js";import"./chunk-U4KEXN74.js";import"./chunk-RXKN3ZIH.js";import"./chunk-G6I2PUDK.js";import"./chunk-FTJL2TAL.js";export{a as MAX_FILE_BYTES,c as auditPaths,b as auditSources};
//# sourceMappingURL=audit-ZSDSCLPG.js.map
