import { describe, expect, it } from '@jest/globals';
import { Markdown } from '@release-actions/core';
import {
  renderVerifySummary,
  renderVerifyText,
  verdictOf,
  verifyOutputs,
  verifyVerdict,
  type CheckResult,
  type VerifyResult,
} from '@release-actions/verify';

/**
 * What the action and `release-actions verify` write from one result: the outputs, the job summary
 * and the text come from the package, so the two front ends cannot say different things.
 */
const ref =
  'ghcr.io/aotanami/aotanami@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
const COMMAND = `release-actions verify ${ref} --repository aotanami/aotanami`;

function reportResult(results: CheckResult[], warning?: string): VerifyResult {
  return {
    emit: 'report',
    command: COMMAND,
    report: {
      image: 'ghcr.io/aotanami/aotanami:v1.2.3',
      reference: ref,
      digest: ref.split('@')[1]!,
      engine: 'native',
      policy: {
        signer: 'reusable-workflow',
        identityRegexp: '^x$',
        issuer: 'https://token.actions.githubusercontent.com',
        repository: 'aotanami/aotanami',
        sourceRefPattern: 'refs/tags/v*',
        description: 'release.yml of aotanami/release-actions',
      },
      checks: ['signature'],
      results,
      commands: ['cosign verify x'],
      verdict: verdictOf(results),
      ...(warning === undefined ? {} : { warning }),
    },
  };
}

const passed: CheckResult = { check: 'signature', subject: ref, status: 'passed' };
const mismatch: CheckResult = {
  check: 'signature',
  subject: ref,
  status: 'failed',
  claims: [{ claim: 'repository', wanted: 'aotanami/aotanami', seen: 'aotanami/other', ok: false }],
  reason: 'repository claim mismatch: saw aotanami/other, wanted aotanami/aotanami',
};

const commandsResult: VerifyResult = {
  emit: 'commands',
  emitted: {
    reference: ref,
    digest: ref.split('@')[1]!,
    releaseActions: COMMAND,
    commands: ['cosign verify x'],
    markdown: '### Verify this release\n\n```sh\ncosign verify x\n```\n',
  },
};

describe('the verify result, for both front ends', () => {
  it('outputs the verdict, the digest and the report, or the digest and the commands', () => {
    const outputs = verifyOutputs(reportResult([mismatch]));
    expect(Object.keys(outputs)).toEqual(['verified', 'digest', 'report']);
    expect(outputs['verified']).toBe(false);
    expect(outputs['digest']).toBe(ref.split('@')[1]);
    expect(JSON.parse(String(outputs['report']))).toMatchObject({ verdict: 'failed', reference: ref });
    expect(verifyOutputs(reportResult([passed]))['verified']).toBe(true);
    expect(verifyOutputs(commandsResult)).toEqual({
      digest: commandsResult.emitted.digest,
      commands: commandsResult.emitted.markdown,
    });
  });

  it('summarises the verdict, the warning, the policy, one row per check and the commands to repeat it', () => {
    const summary = renderVerifySummary(reportResult([mismatch], 'loose'), new Markdown()).toString();
    expect(summary).toMatch(
      /^## Verification\n\nVerification of .* failed: 1 of 1 check\(s\) did not pass\./,
    );
    expect(summary).toContain('> [!WARNING]\n> loose');
    expect(summary).toContain('identity `^x$`; engine native.');
    expect(summary).toContain('| signature | sha256:9f86d081884c… | FAILED |');
    expect(summary).toContain(`\`\`\`sh\n${COMMAND}\ncosign verify x\n\`\`\``);
    expect(renderVerifySummary(commandsResult, new Markdown()).toString().trim()).toBe(
      commandsResult.emitted.markdown.trim(),
    );
  });

  it('prints the report with the command that repeats it, or the commands as they are', () => {
    const text = renderVerifyText(reportResult([passed]));
    expect(text.split('\n')[0]).toBe(`Verified ${ref}: all 1 check(s) passed (signature).`);
    expect(text.endsWith(`Reproduce by hand:\n  cosign verify x\n  ${COMMAND}`)).toBe(true);
    expect(renderVerifyText(commandsResult)).toBe(commandsResult.emitted.markdown.trimEnd());
  });

  it('passes when only the commands were written; a verification is the verdict of its report', () => {
    expect(verifyVerdict(commandsResult).outcome).toBe('passed');
    expect(verifyVerdict(reportResult([passed])).outcome).toBe('passed');
    expect(verifyVerdict(reportResult([mismatch]))).toMatchObject({
      outcome: 'blocked',
      code: 'IDENTITY_MISMATCH',
    });
  });
});
