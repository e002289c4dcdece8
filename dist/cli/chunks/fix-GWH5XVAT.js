const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-A2BAHZY2.js";import"./chunk-6OFZMTEG.js";import"./chunk-AR5YM7DH.js";import"./chunk-PG7A2U4R.js";import"./chunk-W2NLYLCL.js";import"./chunk-SVFJXE26.js";export{e as applyFixes,c as fixFiles,a as fixSource,b as fixSources,d as previewFixes};
//# sourceMappingURL=fix-GWH5XVAT.js.map
