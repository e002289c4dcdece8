const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{a as e,b as r}from"./chunk-QSFZOHT3.js";var p=r((s,i)=>{i.exports=e("node:os")});var q=r((t,o)=>{o.exports=e("node:path")});export{p as a,q as b};
//# sourceMappingURL=chunk-GAFAJ32K.js.map
