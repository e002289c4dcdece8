const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{c as a,d as b,e as c,f as d,g as e,h as f,i as g,j as h,k as i,l as j,m as k,n as l,o as m,p as n,q as o,r as p}from"./chunk-LCOGEVFF.js";import"./chunk-OENTKDSR.js";import"./chunk-ROHTQ6MD.js";import"./chunk-X5AM3WWP.js";import"./chunk-K6Q4DMVX.js";import"./chunk-HQTTTT34.js";import"./chunk-QSFZOHT3.js";export{a as BUNDLE_ARTIFACT_TYPES,c as KEYLESS,b as MAX_BUNDLE_BYTES,f as bundlesFromSource,i as certificateClaims,g as certificateOf,e as findBundles,o as judgeBundle,p as judgeBundles,d as loadVerifier,m as rekorOf,h as repositoryClaim,k as unverifiedBundleClaims,j as unverifiedClaims,n as verifyStatementBundle,l as withClaims};
//# sourceMappingURL=native-HIWVSPCM.js.map
