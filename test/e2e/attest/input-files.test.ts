import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeBadFiles, type BadFiles } from '../../harness/bad-files.js';
import { errorLines, runWithFakes } from '../sign/helpers.js';

/**
 * The attest and sign actions check every input before the OIDC check: without a token (where
 * they would skip with a notice) a bad predicate, trust file or reference still fails the step.
 */

const DIGEST = `sha256:${'b'.repeat(64)}`;
let workspace: string;
let bad: BadFiles;

beforeAll(() => {
  workspace = mkdtempSync(path.join(os.tmpdir(), 'attest-input-files-'));
  // Over the predicate's 16 MiB and the trust files' 4 MiB.
  bad = makeBadFiles(workspace, 17 * 1024 * 1024);
  writeFileSync(path.join(workspace, 'predicate.json'), '{"claim": true}');
});

afterAll(() => rmSync(workspace, { recursive: true, force: true }));

const withoutToken = (action: string, inputs: Record<string, string>) =>
  runWithFakes(action, { workspace, inputs, oidc: false, timeoutMs: 20_000 });

describe('attest and sign without an OIDC token', () => {
  it('attest refuses a predicate over the limit instead of skipping', async () => {
    const run = await withoutToken('attest', {
      subject: `127.0.0.1:5999/app@${DIGEST}`,
      predicate: bad.oversized,
      type: 'custom',
    });
    expect(errorLines(run)).toEqual([expect.stringMatching(/^Input 'predicate': attestation too large/)]);
    expect(run.annotations.find((a) => a.level === 'error')?.properties['title']).toBe('ENTRY_TOO_LARGE');
    expect(run.exitCode).toBe(1);
    expect(run.outputs.attested).not.toBe('false');
    expect(run.calls).toEqual([]);
  });

  it('attest refuses a predicate that is a directory', async () => {
    const run = await withoutToken('attest', {
      subject: `127.0.0.1:5999/app@${DIGEST}`,
      predicate: bad.directory,
    });
    expect(errorLines(run)).toEqual([`Input 'predicate': "${bad.directory}" is not a file.`]);
    expect(run.exitCode).toBe(1);
  });

  it.each([
    ['attest', { subject: `127.0.0.1:99999/app@${DIGEST}`, predicate: 'predicate.json' }, 'subject'],
    ['sign', { images: `127.0.0.1:99999/app@${DIGEST}` }, 'images'],
  ] as const)(
    '%s refuses a reference with a port out of range instead of skipping',
    async (action, inputs, input) => {
      const run = await withoutToken(action, inputs);
      expect(errorLines(run)).toEqual([
        expect.stringContaining(
          `Input '${input}': invalid image reference "127.0.0.1:99999/app@${DIGEST}": registry port 99999 is not between 1 and 65535`,
        ),
      ]);
      expect(run.exitCode).toBe(1);
      expect(run.outputs.outcome).toBe('error');
    },
  );

  it('sign refuses a signing config over the limit', async () => {
    const run = await withoutToken('sign', {
      images: `127.0.0.1:5999/app@${DIGEST}`,
      'signing-config': bad.oversized,
    });
    expect(errorLines(run)).toEqual([
      `Input 'signing-config': "${bad.oversized}" is ${17 * 1024 * 1024} bytes, over the limit; give a Sigstore signing config: a regular file of at most 4 MiB.`,
    ]);
    expect(run.exitCode).toBe(1);
  });
});
