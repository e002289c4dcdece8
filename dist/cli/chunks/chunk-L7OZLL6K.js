const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{a as t}from"./chunk-SVFJXE26.js";var a,r=()=>a??=t("node:crypto"),c=(...e)=>r().createHash(...e),o=(...e)=>r().createPublicKey(...e),n=(...e)=>r().randomUUID(...e);export{c as a,o as b,n as c};
//# sourceMappingURL=chunk-L7OZLL6K.js.map
