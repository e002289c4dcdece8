export {
  buildIdentityPolicy,
  identityMatches,
  escapeRegExp,
  globToRegExp,
  looseness,
  checkRepository,
  GITHUB_ACTIONS_ISSUER,
  OUR_REUSABLE_WORKFLOW,
  DEFAULT_REF_PATTERN,
} from './identity.js';
export type { IdentityOptions, IdentityPolicy, Signer } from './identity.js';
