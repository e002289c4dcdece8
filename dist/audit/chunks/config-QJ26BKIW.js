const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{b as a,c as b,d as c,e as d}from"./chunk-3LHLBHNW.js";import"./chunk-VLIMCOYV.js";export{a as EMPTY_CONFIG,d as isIgnored,c as loadConfig,b as parseConfig};
//# sourceMappingURL=config-QJ26BKIW.js.map
