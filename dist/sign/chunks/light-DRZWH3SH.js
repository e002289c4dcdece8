const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{a}from"./chunk-WR5XJ32H.js";import"./chunk-QSFZOHT3.js";export default a();
//# sourceMappingURL=light-DRZWH3SH.js.map
