const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{a}from"./chunk-PG7A2U4R.js";import"./chunk-SVFJXE26.js";export default a();
//# sourceMappingURL=dist-7MXLEWHT.js.map
