import type { CheckResult } from './report.js';

type Outcome = Pick<CheckResult, 'status' | 'identity' | 'reason'>;

/**
 * Judges a slsa-verifier run by what it prints ("PASSED: Verified SLSA provenance" /
 * "FAILED: SLSA verification failed: …"), not by its exit code alone: both must agree to pass.
 */
export function judgeSlsaVerifier(exitCode: number, stdout: string, stderr: string): Outcome {
  const text = `${stderr}\n${stdout}`.replace(/\r/g, '');
  const builder = /Verified build using builder "?([^"\s]+)"?/.exec(text)?.[1];
  const out: Outcome = { status: 'failed' };
  if (builder !== undefined) out.identity = builder;
  if (exitCode === 0 && /^PASSED: (?:Verified SLSA provenance|SLSA verification passed)/m.test(text)) {
    return { ...out, status: 'passed' };
  }
  const failed = /^FAILED: (?:SLSA verification failed: )?(.*)$/m.exec(text)?.[1]?.trim();
  if (failed !== undefined) {
    if (/no such host|connection refused|dial tcp|i\/o timeout|TLS handshake/i.test(failed)) {
      return { ...out, status: 'error', reason: `slsa-verifier could not check the provenance: ${failed}` };
    }
    return { ...out, reason: `provenance rejected: ${failed}` };
  }
  const last = text.trim().split('\n').pop() ?? '';
  return {
    ...out,
    status: 'error',
    reason: `slsa-verifier exited with code ${exitCode} without a verdict${last ? `: ${last}` : ''}`,
  };
}
