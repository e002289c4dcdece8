import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
function r(e,i){return(e.file<i.file?-1:e.file>i.file?1:0)||e.line-i.line||e.column-i.column||(e.rule<i.rule?-1:e.rule>i.rule?1:0)}function n(e){return`${e.file}${e.line?`:${e.line}:${e.column??1}`:""}`}export{r as a,n as b};
//# sourceMappingURL=chunk-XMKJXBDX.js.map
