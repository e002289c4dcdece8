const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
function r(e,i){return(e.file<i.file?-1:e.file>i.file?1:0)||e.line-i.line||e.column-i.column||(e.rule<i.rule?-1:e.rule>i.rule?1:0)}function n(e){return`${e.file}${e.line?`:${e.line}:${e.column??1}`:""}`}export{r as a,n as b};
//# sourceMappingURL=chunk-YYVDAHOJ.js.map
