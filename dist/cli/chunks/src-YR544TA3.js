const require = process.getBuiltinModule
  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()
  : (await import('node:module')).createRequire(import.meta.url);
import{a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v}from"./chunk-4NLRYF3B.js";import"./chunk-TL3DWRL2.js";import"./chunk-L7OZLL6K.js";import"./chunk-RPG3ZCYH.js";import"./chunk-SVFJXE26.js";export{a as DEFAULT_REGISTRY,j as ManifestNotFoundError,s as RegistryClient,e as canonicalReference,g as canonicalRegistry,b as checkDigest,n as credentialsPair,k as dockerConfigPath,d as formatReference,p as isLoopbackHost,m as loadDockerCredentials,u as loginRegistry,l as lookupDockerCredentials,q as mediaTypes,o as parseChallenges,c as parseReference,r as platformsOf,i as referrersTag,h as registryApiHost,f as sameRegistry,v as withRegistrySession,t as writeDockerConfig};
//# sourceMappingURL=src-YR544TA3.js.map
