const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-3I235JP7.js";import"./chunk-5KMZS6GE.js";import"./chunk-AX6AW7GH.js";import"./chunk-PG7A2U4R.js";import"./chunk-G7K3PAJ4.js";import"./chunk-SVFJXE26.js";export{e as applyFixes,c as fixFiles,a as fixSource,b as fixSources,d as previewFixes};
//# sourceMappingURL=fix-K4WTI4GT.js.map
