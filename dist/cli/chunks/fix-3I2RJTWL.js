const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-ZTQTNL27.js";import"./chunk-TPHVVCLB.js";import"./chunk-4KHGSIEM.js";import"./chunk-PG7A2U4R.js";import"./chunk-4LWKI47V.js";import"./chunk-6XCUAAXL.js";import"./chunk-SVFJXE26.js";export{e as applyFixes,c as fixFiles,a as fixSource,b as fixSources,d as previewFixes};
//# sourceMappingURL=fix-3I2RJTWL.js.map
