const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{j as a,k as b,l as c,m as d}from"./chunk-HYUBIMCB.js";import"./chunk-YYVDAHOJ.js";import"./chunk-LULJWPWM.js";import"./chunk-PLW2DLOI.js";export{b as AUDITED_FILE,a as MAX_FILE_BYTES,d as auditPaths,c as auditSources};
//# sourceMappingURL=audit-CKPD256P.js.map
