export type { CosignErrorCode } from './errors.js';
export { hasOidcToken, NO_OIDC_EXPLANATION } from './oidc.js';
export { prepareSigningKey, KMS_SCHEMES } from './key.js';
export type { SigningKey } from './key.js';
export { isAlreadyLogged, isTransientFailure } from './cosign-errors.js';
export { parseBundle, readBundle, rekorUrl, REKOR_SEARCH_URL } from './bundle.js';
export type { BundleInfo } from './bundle.js';
export { DEFAULT_SIGNING_RETRY, signingRetryPolicy } from './retry.js';
export { runCosign } from './cosign.js';
export {
  estimatedEntryBytes,
  isPayloadTooLarge,
  isSizeFailure,
  LARGE_ENTRY_BYTES,
  tooLargeHeadline,
} from './entry-size.js';
export type { EntrySize } from './entry-size.js';
export type { CosignRunOptions, CosignOutcome } from './cosign.js';
export { expandSubjects, subjectReference, subjectsOf, platformName } from './subjects.js';
export type { Subject, SubjectSource, ResolvedReference, ResolvedSubject } from './subjects.js';
export { registrySubjectSource } from './oci-source.js';
export { chooseMode, signerArguments } from './signing.js';
export {
  checkTrustedRoot,
  readSigningConfig,
  SIGNING_CONFIG_MEDIA_TYPE,
  TRUSTED_ROOT_MEDIA_TYPE,
} from './trust-files.js';
export type { SigningConfigInfo } from './trust-files.js';
export type { SigningSetup, SigningRecord, SigningReport, SigningMode } from './signing.js';
export { signImages, checkAnnotations } from './sign.js';
export type { SignOptions } from './sign.js';
export { attestImages } from './attest.js';
export type { AttestOptions } from './attest.js';
export {
  checkPredicate,
  checkPredicateType,
  MAX_PREDICATE_BYTES,
  PREDICATE_TYPES,
  PREDICATE_TYPE_URIS,
} from './predicate.js';
export {
  signingTable,
  signOutputs,
  attestOutputs,
  renderSignSummary,
  renderAttestSummary,
  renderSignText,
  renderAttestText,
} from './report.js';
export type { SigningTable } from './report.js';
export { withSigningSession } from './session.js';
export type { SigningOptions } from './session.js';
