const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{a as e,b as t}from"./chunk-QSFZOHT3.js";var i=t((x,o)=>{o.exports=e("node:fs")});var n=t((l,a)=>{a.exports=e("node:path")});var p=t((q,c)=>{c.exports=e("node:os")});var u,s=()=>u??=e("node:crypto"),U=(...r)=>s().createHash(...r);var d=(...r)=>s().randomUUID(...r);export{i as a,n as b,p as c,U as d,d as e};
//# sourceMappingURL=chunk-CYCUAPYD.js.map
