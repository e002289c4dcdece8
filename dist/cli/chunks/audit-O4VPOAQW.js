const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{k as a,l as b,m as c,n as d}from"./chunk-II6CB7QI.js";import"./chunk-VBBU2MMP.js";import"./chunk-M3EVQKSS.js";import"./chunk-N45NK2BL.js";import"./chunk-RPG3ZCYH.js";import"./chunk-SVFJXE26.js";export{b as AUDITED_FILE,a as MAX_FILE_BYTES,d as auditPaths,c as auditSources};
//# sourceMappingURL=audit-O4VPOAQW.js.map
