const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{a as o}from"./chunk-QSFZOHT3.js";var r,e=()=>r??=o("node:fs/promises"),p=(...t)=>e().chmod(...t),c=(...t)=>e().cp(...t),n=(...t)=>e().mkdir(...t),s=(...t)=>e().mkdtemp(...t);var a=(...t)=>e().realpath(...t),m=(...t)=>e().rename(...t),x=(...t)=>e().rm(...t),d=(...t)=>e().stat(...t),i=(...t)=>e().writeFile(...t);export{p as a,c as b,n as c,s as d,a as e,m as f,x as g,d as h,i};
//# sourceMappingURL=chunk-34WAM7YB.js.map
