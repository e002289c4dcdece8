const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{e as t}from"./chunk-RPG3ZCYH.js";var i=["registry","github","both"];function u(e){return e==="both"?["registry","github"]:[e]}function s(e,n,r){if(e!=="registry"){if(n!=="native")throw new t(`${e} needs engine native: cosign reads bundles only from the registry; set engine: native (--engine native) to verify the bundles of GitHub's attestation store.`,{input:"source"});if(r===void 0)throw new t(`${e} needs GitHub's attestation store, and none was given.`,{input:"source"})}}export{i as a,u as b,s as c};
//# sourceMappingURL=chunk-F7UD3LVS.js.map
