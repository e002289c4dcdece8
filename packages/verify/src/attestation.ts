import { PREDICATE_TYPES, type CheckName } from './checks.js';
import type { CheckResult } from './report.js';
import {
  decodeEnvelope,
  describePredicate,
  isCycloneDx,
  isOpenVex,
  isSpdx,
  subjectDigests,
  subjectMatches,
  vexFacts,
  type Statement,
} from './statement.js';
import { certificateLines, judgeClaims, notFound, type CosignContext } from './cosign-output.js';
import type { ClaimPolicy } from './claims.js';
import { parseEnvelopeLines } from './statement.js';

type Outcome = Omit<CheckResult, 'check' | 'subject' | 'platform'>;
type BundleCheck = Exclude<CheckName, 'provenance'>;

/** Why a verified statement does not prove `check` for `digest`, or undefined when it does. */
export function statementProblem(
  statement: Statement,
  check: BundleCheck,
  digest: string,
): string | undefined {
  const wanted = PREDICATE_TYPES[check];
  if (statement.predicateType !== wanted) {
    return `predicate type ${statement.predicateType}, not ${wanted}`;
  }
  if (!subjectMatches(statement, digest)) {
    const over = subjectDigests(statement);
    return `subject digest mismatch: the statement is over ${over.length > 0 ? over.join(', ') : 'no digest'}, not ${digest}`;
  }
  if (check === 'sbom-spdx' && !isSpdx(statement.predicate)) {
    return `predicate not SPDX: it is ${describePredicate(statement.predicate)}`;
  }
  if (check === 'sbom-cyclonedx' && !isCycloneDx(statement.predicate)) {
    return `predicate not CycloneDX: it is ${describePredicate(statement.predicate)}`;
  }
  if (check === 'vex' && !isOpenVex(statement.predicate)) {
    return `predicate not OpenVEX: it is ${describePredicate(statement.predicate)}`;
  }
  return undefined;
}

/** A passed check with what its statement declares, where the report shows it (the VEX document's). */
export function withStatementFacts(outcome: Outcome, statement: Statement, check: BundleCheck): Outcome {
  return check === 'vex' && outcome.status === 'passed'
    ? { ...outcome, vex: vexFacts(statement.predicate) }
    : outcome;
}

/**
 * Judges `cosign verify-attestation --type …` output: cosign checked the signatures and the
 * identity; each DSSE line is decoded here and must be a statement over this digest whose
 * predicate really is the SBOM format asked for.
 */
export function judgeAttestations(
  stdout: string,
  stderr: string,
  digest: string,
  check: BundleCheck,
  /** undefined: key-based, cosign checked the envelopes against the key and there is no identity. */
  policy: ClaimPolicy | undefined,
  context: CosignContext = {},
): Outcome {
  // cosign applied the identity flags; what it printed is compared again, the rest it covered.
  let seen: Omit<Outcome, 'status'> = {};
  if (policy !== undefined) {
    const { status, ...rest } = judgeClaims(policy, certificateLines(stderr), context);
    if (status !== 'passed') return { status, ...rest };
    seen = rest;
  }
  const envelopes = parseEnvelopeLines(stdout);
  if (envelopes.length === 0) return { status: 'failed', ...seen, reason: notFound(check) };
  let first: string | undefined;
  for (const envelope of envelopes) {
    const statement = decodeEnvelope(envelope);
    const problem =
      typeof statement === 'string'
        ? `attestation not readable: ${statement}`
        : statementProblem(statement, check, digest);
    if (problem === undefined)
      return withStatementFacts({ status: 'passed', ...seen }, statement as Statement, check);
    first ??= problem;
  }
  return { status: 'failed', ...seen, reason: first };
}
