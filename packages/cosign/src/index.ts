export type { CosignErrorCode } from './errors.js';
export { prepareSigningKey, SIGNING_KEY_FILE } from './key.js';
export type { SigningKey } from './key.js';
export { isAlreadyLogged, isTransientFailure } from './cosign-errors.js';
export { parseBundle, rekorUrl } from './bundle.js';
export type { BundleInfo } from './bundle.js';
export { DEFAULT_SIGNING_RETRY, signingRetryPolicy } from './retry.js';
export { runCosign } from './cosign.js';
export type { EntrySize } from './entry-size.js';
export type { CosignRunOptions, CosignOutcome } from './cosign.js';
export { expandSubjects, subjectsOf } from './subjects.js';
export type { Subject, SubjectSource, ResolvedReference, ResolvedSubject } from './subjects.js';
export { chooseMode } from './signing.js';
export type { SigningConfigInfo } from './trust-files.js';
export type {
  SigningSetup,
  SigningRecord,
  SigningReport,
  SigningMode,
  WithoutTokenWords,
} from './signing.js';
export { signImages } from './sign.js';
export type { SignOptions } from './sign.js';
export { attestImages } from './attest.js';
export type { AttestOptions } from './attest.js';
export { checkPredicate, checkPredicateType, MAX_PREDICATE_BYTES } from './predicate.js';
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
export { expandBlobFiles, signatureBundleOf, checkBundlePath, MAX_BLOB_BYTES } from './blob-files.js';
export type { ExpandBlobOptions } from './blob-files.js';
export { checksumsText, writeChecksums, sha256File } from './blob-checksums.js';
export {
  signFiles,
  attestFiles,
  attestationBundleOf,
  checkSomethingToSign,
  checkFileAttestation,
  fileAttestationOf,
} from './blob-sign.js';
export type { FileRecord, FileSigningReport, SignFilesOptions, AttestFilesOptions } from './blob-sign.js';
export { combinedOutputs, fileBundles, renderFileSummary, renderFileText } from './blob-report.js';
export type { FileBundle } from './blob-report.js';
