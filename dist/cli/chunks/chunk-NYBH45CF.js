import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
var t=class extends Error{name="ReleaseActionsError";constructor(r,n){super(r,n)}},c=class extends t{name="InputError"},d=class extends t{name="OperationalError"},s=class extends t{name="PolicyError"},p=0,a=1,l=2;function g(e){return e instanceof s?a:l}function f(e){let r=[],n=e;for(let i=0;n!=null&&i<4;i++){let o=(n instanceof Error?n.message:String(n)).split(`
`)[0]?.trim()??"";o!==""&&!r.some(u=>u.includes(o))&&r.push(o),n=n instanceof Error?n.cause:void 0}return r.length>0?r.join(": "):"unknown error"}export{t as a,c as b,d as c,s as d,p as e,a as f,l as g,g as h,f as i};
//# sourceMappingURL=chunk-NYBH45CF.js.map
