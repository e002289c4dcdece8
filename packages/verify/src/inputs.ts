/**
 * What the verify action needs to read its inputs: an entry point of its own
 * (@release-actions/verify/inputs), so the action checks them before it loads the verifier, its
 * cosign output parser and the registry client, which an input error never needs.
 */
export { CHECK_NAMES, DEFAULT_CHECKS, parseChecks } from './checks.js';
export type { CheckName } from './checks.js';
export { TRANSPARENCY_LOG_MODES } from './key.js';
export { checkVerifyFiles } from './input-files.js';
export type { IdentityOptions } from './identity.js';
export { BUNDLE_SOURCES } from './bundle-source.js';
