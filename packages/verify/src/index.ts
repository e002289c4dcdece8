export { buildIdentityPolicy, identityMatches, looseness, OUR_REUSABLE_WORKFLOW } from './identity.js';
export { checkClaims } from './claims.js';
export type { Claims, ClaimCheck, ClaimName } from './claims.js';
export type { IdentityOptions, IdentityPolicy, Signer } from './identity.js';
export {
  CHECK_NAMES,
  DEFAULT_CHECKS,
  PREDICATE_TYPES,
  SLSA_CONTAINER_BUILDER_ID,
  SLSA_GENERIC_BUILDER_ID,
  parseChecks,
} from './checks.js';
export type { CheckName } from './checks.js';
export {
  cosignVerifyArgs,
  cosignVerifyAttestationArgs,
  cosignVerifyBlobArgs,
  fileCommands,
  slsaVerifierArgs,
  slsaVerifierArtifactArgs,
  equivalentCommands,
  checksFor,
} from './commands.js';
export type { CommandPolicy, SubjectDigest } from './commands.js';
export { parseVerifyOutput, judgeSignatures, judgeCosignFailure, certificateLines } from './cosign-output.js';
export type { CosignSignature, CosignContext } from './cosign-output.js';
export type { ClaimPolicy } from './claims.js';
export { judgeAttestations } from './attestation.js';
export { judgeSlsaVerifier } from './slsa.js';
export { decodeEnvelope, isSpdx, isCycloneDx, isOpenVex, vexFacts, describePredicate } from './statement.js';
export type { Statement, VexFacts } from './statement.js';
export { verdictOf, reportRows, reportText, reportJson, formatRekor, vexRows, vexLine } from './report.js';
export type { CheckResult, CheckStatus, Engine, RekorEntry, VerifyReport } from './report.js';
export { verifyRelease } from './verify.js';
export { verifyFile, checkFileRequest } from './file-verify.js';
export { fileChecks, listedDigest, defaultBundle } from './file-target.js';
export type { FileTarget } from './file-target.js';
export type { FileFacts } from './report.js';
export { TRANSPARENCY_LOG_MODES } from './key.js';
export type { TransparencyLogMode } from './key.js';
export type { VerifyOptions } from './verify.js';
export { cliCommand } from './cli-command.js';
export type { CliCommandOptions } from './cli-command.js';
export type { EmitOptions, EmittedCommands } from './emit.js';
export type { RequestOptions } from './request.js';
export { verify, verifyVerdict } from './result.js';
export type { VerifyRequest, VerifyResult } from './result.js';
export { reportVerdict } from './verdict.js';
export type { VerifyVerdictCode } from './verdict.js';
export { verifyOutputs, renderVerifySummary, renderVerifyText } from './summary.js';
export type { VerifyErrorCode } from './errors.js';
export { BUNDLE_SOURCES } from './bundle-source.js';
export type { BundleSource, BundleSourceChoice, SourceName, SourcedBundle } from './bundle-source.js';
export {
  ADMISSION_ENGINES,
  SLSA_PROVENANCE_PREDICATE_TYPE,
  admissionModel,
  admissionOutputs,
  emitAdmission,
  renderAdmissionSummary,
} from './admission.js';
export type { AdmissionEngine, AdmissionOptions, AdmissionPolicy } from './admission.js';
