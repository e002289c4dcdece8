const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{a}from"./chunk-N3M5NWII.js";import"./chunk-SVFJXE26.js";export default a();
//# sourceMappingURL=light-Y7YJLE2E.js.map
