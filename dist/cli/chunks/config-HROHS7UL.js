const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{l as a,m as b,n as c,o as d}from"./chunk-6ZDL7S24.js";import"./chunk-M3EVQKSS.js";import"./chunk-N45NK2BL.js";import"./chunk-MSYJ4RPX.js";import"./chunk-SVFJXE26.js";export{a as EMPTY_CONFIG,d as isIgnored,c as loadConfig,b as parseConfig};
//# sourceMappingURL=config-HROHS7UL.js.map
