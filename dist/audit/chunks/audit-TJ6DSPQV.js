const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{j as a,k as b,l as c,m as d}from"./chunk-TWLWY7TL.js";import"./chunk-YYVDAHOJ.js";import"./chunk-KRVHETFU.js";import"./chunk-IBCVGKHU.js";export{b as AUDITED_FILE,a as MAX_FILE_BYTES,d as auditPaths,c as auditSources};
//# sourceMappingURL=audit-TJ6DSPQV.js.map
