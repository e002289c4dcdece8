import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a as t}from"./chunk-FTJL2TAL.js";var a,r=()=>a??=t("node:crypto"),c=(...e)=>r().createHash(...e),o=(...e)=>r().createPublicKey(...e),n=(...e)=>r().randomUUID(...e);export{c as a,o as b,n as c};
//# sourceMappingURL=chunk-PTWUKRDU.js.map
