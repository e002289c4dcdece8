import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{i as a,j as b,k as c}from"./chunk-FHWBWFHN.js";import"./chunk-XMKJXBDX.js";import"./chunk-TC4RLECA.js";import"./chunk-KCQ2JIZM.js";export{a as MAX_FILE_BYTES,c as auditPaths,b as auditSources};
//# sourceMappingURL=audit-DUW6UTZS.js.map
