const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{k as a,l as b,m as c,n as d}from"./chunk-LHGOC7GW.js";import"./chunk-72W36MKB.js";import"./chunk-UYUGI62T.js";import"./chunk-CCRI5UKH.js";import"./chunk-SVFJXE26.js";export{b as AUDITED_FILE,a as MAX_FILE_BYTES,d as auditPaths,c as auditSources};
//# sourceMappingURL=audit-5OT4NOUQ.js.map
