const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{j as a,k as b,l as c}from"./chunk-OABZM2RL.js";import"./chunk-AN5SBL23.js";import"./chunk-PG7A2U4R.js";import"./chunk-4LWKI47V.js";import"./chunk-LYQ7FROK.js";import"./chunk-SVFJXE26.js";export{a as MAX_FILE_BYTES,c as auditPaths,b as auditSources};
//# sourceMappingURL=audit-225DBZBX.js.map
