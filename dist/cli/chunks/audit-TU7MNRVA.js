const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{j as a,k as b,l as c}from"./chunk-5KMZS6GE.js";import"./chunk-AX6AW7GH.js";import"./chunk-PG7A2U4R.js";import"./chunk-G7K3PAJ4.js";import"./chunk-SVFJXE26.js";export{a as MAX_FILE_BYTES,c as auditPaths,b as auditSources};
//# sourceMappingURL=audit-TU7MNRVA.js.map
