import type { Verdict } from '@release-actions/core';
import { notFound } from './cosign-output.js';
import type { VerifyErrorCode } from './errors.js';
import type { CheckResult, VerifyReport } from './report.js';

/** The code of a verdict that passed: nothing to report, and no error code. */
export type VerifyVerdictCode = VerifyErrorCode | 'VERIFIED';

/**
 * The reasons cosign's own wording gives for a certificate that is not the policy's, where it
 * prints no claims to judge (see judgeCosignFailure).
 */
const CLAIM_MISMATCH = /^(?:identity|issuer|repository claim|source ref|trigger|certificate claim) mismatch:/;

/** Why a check did not hold, as a code a script can branch on. */
function failureCode(result: CheckResult): VerifyErrorCode {
  if (result.claims?.some((claim) => !claim.ok) || CLAIM_MISMATCH.test(result.reason ?? '')) {
    return 'IDENTITY_MISMATCH';
  }
  // A release file without its bundle is as unsigned as an image without a signature.
  if (result.reason === notFound(result.check) || result.reason?.startsWith('no bundle at ')) {
    return 'NO_SIGNATURE';
  }
  return 'VERIFY_FAILED';
}

/**
 * The report as a verdict: blocked when a check did not hold, an error when one could not run
 * (an error outranks a failure), told by the first check that did not pass.
 */
export function reportVerdict(report: VerifyReport): Verdict<VerifyVerdictCode> {
  if (report.verdict === 'passed') {
    return { outcome: 'passed', code: 'VERIFIED', message: `verified ${report.reference}` };
  }
  const first = report.results.find((r) => r.status !== 'passed');
  const message = `verification of ${report.reference} ${report.verdict === 'error' ? 'could not complete' : 'failed'}: ${first?.check}${first?.platform ? ` (${first.platform})` : ''}: ${first?.reason ?? 'no reason given'}`;
  return {
    outcome: report.verdict === 'error' ? 'error' : 'blocked',
    code: report.verdict === 'error' || first === undefined ? 'VERIFY_INCOMPLETE' : failureCode(first),
    message,
  };
}
