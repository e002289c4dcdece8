const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-ZLGOBFOU.js";import"./chunk-II6CB7QI.js";import"./chunk-VBBU2MMP.js";import"./chunk-M3EVQKSS.js";import"./chunk-N45NK2BL.js";import"./chunk-RPG3ZCYH.js";import"./chunk-SVFJXE26.js";export{e as applyFixes,c as fixFiles,a as fixSource,b as fixSources,d as previewFixes};
//# sourceMappingURL=fix-PJ7T3FUG.js.map
