const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{l as a,m as b,n as c,o as d}from"./chunk-VBBU2MMP.js";import"./chunk-M3EVQKSS.js";import"./chunk-N45NK2BL.js";import"./chunk-RPG3ZCYH.js";import"./chunk-SVFJXE26.js";export{a as EMPTY_CONFIG,d as isIgnored,c as loadConfig,b as parseConfig};
//# sourceMappingURL=config-KMBQUYPW.js.map
