const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{a as r,b as i}from"./chunk-QSFZOHT3.js";var o=i((p,e)=>{e.exports=r("node:path")});export{o as a};
//# sourceMappingURL=chunk-6UJIC6AF.js.map
