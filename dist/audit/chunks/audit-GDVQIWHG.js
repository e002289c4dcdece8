const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{i as a,j as b,k as c}from"./chunk-EFHV5SRK.js";import"./chunk-YYVDAHOJ.js";import"./chunk-3LHLBHNW.js";import"./chunk-VLIMCOYV.js";export{a as MAX_FILE_BYTES,c as auditPaths,b as auditSources};
//# sourceMappingURL=audit-GDVQIWHG.js.map
