const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{k as a,l as b,m as c,n as d}from"./chunk-AX6AW7GH.js";import"./chunk-PG7A2U4R.js";import"./chunk-G7K3PAJ4.js";import"./chunk-SVFJXE26.js";export{a as EMPTY_CONFIG,d as isIgnored,c as loadConfig,b as parseConfig};
//# sourceMappingURL=config-OE2R3Z7Z.js.map
