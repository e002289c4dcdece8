const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{c as a,d as b,e as c,f as d,g as e,h as f,i as g,j as h,k as i,l as j,m as k,n as l,o as m,p as n,q as o,r as p}from"./chunk-2RK67LCB.js";import"./chunk-H7OIV2E4.js";import"./chunk-CJ23NMPO.js";import"./chunk-JUUDC75R.js";import"./chunk-OD7HCRCO.js";import"./chunk-L7OZLL6K.js";import"./chunk-RPG3ZCYH.js";import"./chunk-SVFJXE26.js";export{a as BUNDLE_ARTIFACT_TYPES,c as KEYLESS,b as MAX_BUNDLE_BYTES,f as bundlesFromSource,i as certificateClaims,g as certificateOf,e as findBundles,o as judgeBundle,p as judgeBundles,d as loadVerifier,m as rekorOf,h as repositoryClaim,k as unverifiedBundleClaims,j as unverifiedClaims,n as verifyStatementBundle,l as withClaims};
//# sourceMappingURL=native-H6N3XTRU.js.map
