const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-VO74ITIX.js";import"./chunk-OABZM2RL.js";import"./chunk-AN5SBL23.js";import"./chunk-PG7A2U4R.js";import"./chunk-4LWKI47V.js";import"./chunk-LYQ7FROK.js";import"./chunk-SVFJXE26.js";export{e as applyFixes,c as fixFiles,a as fixSource,b as fixSources,d as previewFixes};
//# sourceMappingURL=fix-SDZIQXNK.js.map
