import { describe, expect, it } from '@jest/globals';
import {
  buildIdentityPolicy,
  checkClaims,
  formatRekor,
  reportRows,
  reportText,
  reportVerdict,
  verdictOf,
  type CheckResult,
  type VerifyReport,
} from '@release-actions/verify';
import { enforceVerdict, exitCodeFor } from '@release-actions/core';

const ref =
  'ghcr.io/aotanami/aotanami@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
const passed: CheckResult = {
  check: 'signature',
  subject: ref,
  status: 'passed',
  identity: 'https://github.com/aotanami/release-actions/.github/workflows/release.yml@refs/tags/v1.4.0',
  issuer: 'https://token.actions.githubusercontent.com',
  rekor: { logIndex: 84797936, integratedTime: 1712809120 },
};
const failed: CheckResult = {
  check: 'sbom-spdx',
  subject: ref.replace('9f86', '0000'),
  platform: 'linux/arm64',
  status: 'failed',
  reason: 'no SPDX SBOM attestation found',
};

function report(results: CheckResult[]): VerifyReport {
  return {
    image: 'ghcr.io/aotanami/aotanami:v1.2.3',
    reference: ref,
    digest: ref.split('@')[1]!,
    engine: 'cosign',
    policy: {
      signer: 'reusable-workflow',
      identityRegexp: '^x$',
      issuer: 'https://token.actions.githubusercontent.com',
      repository: 'aotanami/aotanami',
      sourceRefPattern: 'refs/tags/v*',
      description: 'd',
    },
    checks: ['signature', 'sbom-spdx'],
    results,
    commands: ['cosign verify x'],
    verdict: verdictOf(results),
  };
}

describe('report', () => {
  it('passes only when every check passed; an error outranks a failure; nothing checked is an error', () => {
    expect(verdictOf([passed])).toBe('passed');
    expect(verdictOf([passed, failed])).toBe('failed');
    expect(verdictOf([failed, { ...passed, status: 'error' }])).toBe('error');
    expect(verdictOf([])).toBe('error');
  });

  it('formats the Rekor entry and its integrated time', () => {
    expect(formatRekor(passed.rekor)).toBe('#84797936 2024-04-11T04:18:40Z');
    expect(formatRekor({ logIndex: 7 })).toBe('#7');
    expect(formatRekor(undefined)).toBe('');
  });

  it('has one row per check and digest, with the platform and the reason', () => {
    expect(reportRows(report([passed, failed]))).toEqual([
      [
        'signature',
        'sha256:9f86d081884c…',
        'passed',
        passed.identity,
        passed.issuer,
        '',
        '',
        '',
        '',
        '#84797936 2024-04-11T04:18:40Z',
        '',
      ],
      [
        'sbom-spdx',
        'sha256:0000d081884c… (linux/arm64)',
        'FAILED',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        'no SPDX SBOM attestation found',
      ],
    ]);
  });

  it('shows every value it checked with pass or fail, in the table and the text', () => {
    const branch: CheckResult = {
      ...passed,
      status: 'failed',
      reason: 'source ref refs/heads/main does not match refs/tags/v*',
      claims: checkClaims(
        buildIdentityPolicy({
          repository: 'aotanami/aotanami',
          signer: 'reusable-workflow',
          trigger: 'push',
        }),
        {
          identity: passed.identity,
          issuer: passed.issuer,
          repository: 'aotanami/aotanami',
          sourceRef: 'refs/heads/main',
          trigger: 'push',
        },
      ),
    };
    expect(reportRows(report([branch]))[0]?.slice(3, 9)).toEqual([
      `${passed.identity} ✓`,
      'https://token.actions.githubusercontent.com ✓',
      'aotanami/aotanami ✓',
      'refs/heads/main ✗',
      'push ✓',
      '',
    ]);
    const text = reportText(report([branch]));
    expect(text).toContain(
      'Policy: d (SAN ^x$, issuer https://token.actions.githubusercontent.com, source repository aotanami/aotanami, source ref refs/tags/v*)',
    );
    expect(text).toContain('— source ref refs/heads/main does not match refs/tags/v* [SAN ');
    expect(text).toContain(
      'source repository aotanami/aotanami ✓; source ref refs/heads/main ✗; trigger push ✓',
    );
  });

  it('prints a verdict line, one line per check and the commands', () => {
    const text = reportText(report([passed, failed]));
    expect(text.split('\n')[0]).toBe(`Verification of ${ref} failed: 1 of 2 check(s) did not pass.`);
    expect(text).toContain('FAILED sbom-spdx');
    expect(text).toContain('— no SPDX SBOM attestation found');
    expect(text.endsWith('Reproduce by hand:\n  cosign verify x')).toBe(true);
  });

  it('turns a failed report into a policy failure (exit 1) and an error into exit 2, naming the first check', () => {
    expect(reportVerdict(report([passed])).outcome).toBe('passed');
    expect(() => enforceVerdict(reportVerdict(report([passed])))).not.toThrow();
    const verdict = reportVerdict(report([passed, failed]));
    expect(verdict).toEqual({
      outcome: 'blocked',
      code: 'NO_SIGNATURE',
      message: `verification of ${ref} failed: sbom-spdx (linux/arm64): no SPDX SBOM attestation found`,
    });
    const thrown = (v: ReturnType<typeof reportVerdict>) => {
      try {
        enforceVerdict(v);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    expect(exitCodeFor(thrown(verdict))).toBe(1);
    const error = reportVerdict(report([{ ...failed, status: 'error' }]));
    expect(error.outcome).toBe('error');
    expect(error.code).toBe('VERIFY_INCOMPLETE');
    expect(error.message).toMatch(/could not complete: sbom-spdx/);
    expect(exitCodeFor(thrown(error))).toBe(2);
  });

  it('codes a failure by what did not hold: the identity, a missing signature, or the check itself', () => {
    const code = (result: Partial<CheckResult>) =>
      reportVerdict(report([passed, { ...failed, ...result }])).code;
    expect(code({ claims: [{ claim: 'repository', wanted: 'a/b', seen: 'a/c', ok: false }] })).toBe(
      'IDENTITY_MISMATCH',
    );
    expect(code({ reason: 'issuer mismatch: saw https://x, wanted https://y' })).toBe('IDENTITY_MISMATCH');
    expect(code({ check: 'signature', reason: 'no signature found' })).toBe('NO_SIGNATURE');
    expect(code({ reason: 'subject digest mismatch: the statement is over sha256:00, not sha256:11' })).toBe(
      'VERIFY_FAILED',
    );
    expect(
      code({
        claims: [{ claim: 'issuer', wanted: 'x', seen: 'x', ok: true }],
        reason: 'cosign rejected the signature: bad',
      }),
    ).toBe('VERIFY_FAILED');
  });
});
