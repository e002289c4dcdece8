const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{k as a,l as b,m as c,n as d}from"./chunk-J6ALUVA4.js";import"./chunk-UYUGI62T.js";import"./chunk-CCRI5UKH.js";import"./chunk-SVFJXE26.js";export{a as EMPTY_CONFIG,d as isIgnored,c as loadConfig,b as parseConfig};
//# sourceMappingURL=config-LH62P6H5.js.map
