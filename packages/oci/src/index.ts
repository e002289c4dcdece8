export {
  parseReference,
  formatReference,
  canonicalReference,
  canonicalRegistry,
  sameRegistry,
  registryApiHost,
  referrersTag,
  checkDigest,
  digestProblem,
  DEFAULT_REGISTRY,
} from './reference.js';
export type { ImageReference } from './reference.js';
export {
  loadDockerCredentials,
  lookupDockerCredentials,
  dockerConfigPath,
  credentialsPair,
} from './credentials.js';
export type { Credentials, DockerConfigOptions, DockerCredentialLookup } from './credentials.js';
export { parseChallenges } from './challenge.js';
export type { Challenge } from './challenge.js';
export { RegistryClient, ManifestNotFoundError, isLoopbackHost, platformsOf, subjectsOf } from './client.js';
export type {
  RegistryClientOptions,
  Descriptor,
  Platform,
  PlatformManifest,
  Manifest,
  Resolved,
  Referrer,
  AttachOptions,
  BlobReadOptions,
  Subject,
} from './client.js';
export * as mediaTypes from './media-types.js';
