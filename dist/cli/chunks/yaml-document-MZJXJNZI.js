const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{b as a,c as b,d as c,e as d,f as e,g as f,h as g,i as h}from"./chunk-UYUGI62T.js";import"./chunk-SVFJXE26.js";export{d as MAX_ALIASES,a as MAX_NESTING,e as aliasCountError,f as checkUniqueKeys,c as duplicateKeyErrors,b as nestingError,h as parseYaml,g as parseYamlDocument};
//# sourceMappingURL=yaml-document-MZJXJNZI.js.map
