const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-QEYDPZXL.js";import"./chunk-LHGOC7GW.js";import"./chunk-72W36MKB.js";import"./chunk-UYUGI62T.js";import"./chunk-CCRI5UKH.js";import"./chunk-SVFJXE26.js";export{e as applyFixes,c as fixFiles,a as fixSource,b as fixSources,d as previewFixes};
//# sourceMappingURL=fix-OGUH22EY.js.map
