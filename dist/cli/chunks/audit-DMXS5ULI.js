const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{j as a,k as b,l as c}from"./chunk-6OFZMTEG.js";import"./chunk-AR5YM7DH.js";import"./chunk-PG7A2U4R.js";import"./chunk-W2NLYLCL.js";import"./chunk-SVFJXE26.js";export{a as MAX_FILE_BYTES,c as auditPaths,b as auditSources};
//# sourceMappingURL=audit-DMXS5ULI.js.map
