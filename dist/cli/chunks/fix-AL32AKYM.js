const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-ZSMFAPC3.js";import"./chunk-JMTOBGQW.js";import"./chunk-6ZDL7S24.js";import"./chunk-M3EVQKSS.js";import"./chunk-N45NK2BL.js";import"./chunk-MSYJ4RPX.js";import"./chunk-SVFJXE26.js";export{e as applyFixes,c as fixFiles,a as fixSource,b as fixSources,d as previewFixes};
//# sourceMappingURL=fix-AL32AKYM.js.map
