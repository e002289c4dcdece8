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
export {
  CHECK_NAMES,
  PREDICATE_TYPES,
  COSIGN_TYPES,
  SLSA_CONTAINER_BUILDER_ID,
  parseChecks,
  checkSourceTag,
} from './checks.js';
export type { CheckName } from './checks.js';
export {
  cosignVerifyArgs,
  cosignVerifyAttestationArgs,
  slsaVerifierArgs,
  equivalentCommands,
} from './commands.js';
export type { CommandPolicy, SubjectDigest } from './commands.js';
export {
  parseVerifyOutput,
  judgeSignatures,
  judgeCosignFailure,
  certificateLines,
  policyProblem,
} from './cosign-output.js';
export type { CosignSignature } from './cosign-output.js';
export { judgeAttestations, statementProblem } from './attestation.js';
export { judgeSlsaVerifier } from './slsa.js';
export {
  decodeEnvelope,
  parseEnvelopeLines,
  isSpdx,
  isCycloneDx,
  describePredicate,
  IN_TOTO_PAYLOAD_TYPE,
} from './statement.js';
export type { Statement } from './statement.js';
export {
  verdictOf,
  reportRows,
  reportText,
  reportJson,
  verdictLine,
  formatRekor,
  TABLE_HEADERS,
} from './report.js';
export type { CheckResult, CheckStatus, Engine, RekorEntry, VerifyReport } from './report.js';
export { verifyRelease, reportFailure } from './verify.js';
export type { VerifyOptions } from './verify.js';
export { cliCommand } from './cli-command.js';
export type { CliCommandOptions } from './cli-command.js';
