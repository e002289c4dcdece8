const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{a,b,c,d,e,f,g,h}from"./chunk-M3EVQKSS.js";import"./chunk-N45NK2BL.js";import"./chunk-SVFJXE26.js";export{d as MAX_ALIASES,a as MAX_NESTING,e as aliasCountError,f as checkUniqueKeys,c as duplicateKeyErrors,b as nestingError,h as parseYaml,g as parseYamlDocument};
//# sourceMappingURL=yaml-document-HSZFDO6L.js.map
