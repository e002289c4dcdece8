export {
  parseReference,
  formatReference,
  canonicalReference,
  canonicalRegistry,
  sameRegistry,
  registryApiHost,
  referrersTag,
  checkDigest,
  DEFAULT_REGISTRY,
} from './reference.js';
export type { ImageReference } from './reference.js';
export { ManifestNotFoundError } from './errors.js';
export type { OciErrorCode } from './errors.js';
export {
  loadDockerCredentials,
  lookupDockerCredentials,
  dockerConfigPath,
  credentialsPair,
} from './credentials.js';
export type { Credentials, DockerConfigOptions, DockerCredentialLookup } from './credentials.js';
export { parseChallenges } from './challenge.js';
export type { Challenge } from './challenge.js';
export { isLoopbackHost } from './transport.js';
export { platformsOf } from './descriptors.js';
export type { Descriptor, Platform, PlatformManifest, Manifest, Resolved, Referrer } from './descriptors.js';
export type { BlobReadOptions } from './manifests.js';
export type { AttachOptions } from './push.js';
export { RegistryClient } from './client.js';
export type { RegistryClientOptions } from './client.js';
export { writeDockerConfig } from './docker-config.js';
export type { DockerConfig, RegistryLogin } from './docker-config.js';
export { withRegistrySession, loginRegistry } from './session.js';
export type {
  RegistryLoginOptions,
  RegistrySession,
  RegistrySessionOptions,
  RegistryTarget,
} from './session.js';
export * as mediaTypes from './media-types.js';
