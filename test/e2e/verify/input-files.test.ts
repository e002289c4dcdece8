import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeBadFiles, type BadFiles } from '../../harness/bad-files.js';
import { errorLines, runWithFakes } from '../sign/helpers.js';

/** The verify action refuses a key or trusted root that is not a regular file within its limit, before any registry call. */

const IMAGE = `127.0.0.1:5999/app@sha256:${'c'.repeat(64)}`;
let workspace: string;
let bad: BadFiles;

beforeAll(() => {
  workspace = mkdtempSync(path.join(os.tmpdir(), 'verify-input-files-'));
  // Over the public key's 64 KiB and the trusted root's 4 MiB.
  bad = makeBadFiles(workspace, 5 * 1024 * 1024);
});

afterAll(() => rmSync(workspace, { recursive: true, force: true }));

describe('verify action file inputs', () => {
  it.each([
    ['key', 'give a PEM public key file (cosign.pub): a regular file of at most 64 KiB.', 'KEY_INVALID'],
    [
      'trusted-root',
      'give a Sigstore TrustedRoot JSON file: a regular file of at most 4 MiB.',
      'TRUSTED_ROOT_INVALID',
    ],
  ])('%s over the limit: one error naming it, nothing run', async (input, accepted, code) => {
    const run = await runWithFakes('verify', {
      workspace,
      inputs: { image: IMAGE, repository: 'o/r', [input]: bad.oversized },
      timeoutMs: 20_000,
    });
    expect(errorLines(run)).toEqual([
      `Input '${input}': "${bad.oversized}" is ${5 * 1024 * 1024} bytes, over the limit; ${accepted}`,
    ]);
    expect(run.annotations.find((a) => a.level === 'error')?.properties['title']).toBe(code);
    expect(run.exitCode).toBe(1);
    expect(run.calls).toEqual([]);
  });

  it('refuses a named pipe as the key without waiting on it', async () => {
    const run = await runWithFakes('verify', {
      workspace,
      inputs: { image: IMAGE, repository: 'o/r', key: bad.fifo },
      timeoutMs: 20_000,
    });
    expect(errorLines(run)).toEqual([`Input 'key': "${bad.fifo}" is not a file.`]);
    expect(run.exitCode).toBe(1);
  });
});
