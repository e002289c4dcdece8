const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{l as a,m as b,n as c,o as d}from"./chunk-72W36MKB.js";import"./chunk-UYUGI62T.js";import"./chunk-CCRI5UKH.js";import"./chunk-SVFJXE26.js";export{a as EMPTY_CONFIG,d as isIgnored,c as loadConfig,b as parseConfig};
//# sourceMappingURL=config-R4VVPVYC.js.map
