const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{a as e,b as t}from"./chunk-QSFZOHT3.js";var i=t((x,o)=>{o.exports=e("node:os")});var p=t((d,c)=>{c.exports=e("node:fs")});var u=t((b,s)=>{s.exports=e("node:path")});var n,a=()=>n??=e("node:crypto"),l=(...r)=>a().createHash(...r);var q=(...r)=>a().randomUUID(...r);export{i as a,l as b,q as c,p as d,u as e};
//# sourceMappingURL=chunk-HJRGVNRZ.js.map
