const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y}from"./chunk-FB5EMKAJ.js";import"./chunk-52QR3OMX.js";import"./chunk-V6EGH3PV.js";import"./chunk-T5SPTZKG.js";import"./chunk-QSFZOHT3.js";export{g as DEFAULT_SIGNING_RETRY,o as MAX_PREDICATE_BYTES,a as SIGNING_KEY_FILE,r as attestImages,y as attestOutputs,q as checkPredicate,p as checkPredicateType,l as chooseMode,k as expandSubjects,c as isAlreadyLogged,d as isTransientFailure,f as parseBundle,b as prepareSigningKey,e as rekorUrl,u as renderAttestSummary,w as renderAttestText,t as renderSignSummary,v as renderSignText,i as runCosign,n as signImages,x as signOutputs,h as signingRetryPolicy,s as signingTable,j as subjectsOf,m as withSigningSession};
//# sourceMappingURL=src-TL6GD4X7.js.map
