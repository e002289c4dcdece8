import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
var t=class extends Error{name="ReleaseActionsError";constructor(e,n){super(e,n)}},i=class extends t{name="InputError"},c=class extends t{name="OperationalError"},d=class extends t{name="PolicyError"};function l(r){let e=[],n=r;for(let s=0;n!=null&&s<4;s++){let o=(n instanceof Error?n.message:String(n)).split(`
`)[0]?.trim()??"";o!==""&&!e.some(u=>u.includes(o))&&e.push(o),n=n instanceof Error?n.cause:void 0}return e.length>0?e.join(": "):"unknown error"}export{i as a,c as b,d as c,l as d};
//# sourceMappingURL=chunk-JT4KTHCW.js.map
