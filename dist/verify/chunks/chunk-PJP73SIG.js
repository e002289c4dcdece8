const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{d as i}from"./chunk-HQTTTT34.js";import{e as o}from"./chunk-QSFZOHT3.js";var s=o(i()),g="https://search.sigstore.dev/?logIndex=";function p(e){return`${g}${e}`}function d(e){let n=`${e.registry}/${e.repository}`,r=[{reference:e.reference,digest:e.digest,mediaType:e.mediaType}];for(let t of e.platforms??[])r.push({reference:`${n}@${t.digest}`,digest:t.digest,mediaType:t.mediaType,platform:t.platform});return r}export{p as a,d as b};
//# sourceMappingURL=chunk-PJP73SIG.js.map
