import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeBadFiles, type BadFiles } from '../../harness/bad-files.js';
import { errorLines, runWithFakes } from '../sign/helpers.js';

/**
 * The scan action refuses a file input that is not a regular file within its limit, and an image
 * that is not a reference, before grype is run or installed: one error line naming the input.
 */

let workspace: string;
let bad: BadFiles;

beforeAll(() => {
  workspace = mkdtempSync(path.join(os.tmpdir(), 'scan-input-files-'));
  // Over the ignore file's 4 MiB and the VEX document's 16 MiB.
  bad = makeBadFiles(workspace, 17 * 1024 * 1024);
});

afterAll(() => rmSync(workspace, { recursive: true, force: true }));

const scan = (inputs: Record<string, string>) =>
  runWithFakes('scan', { workspace, inputs, timeoutMs: 20_000 });

describe('scan action inputs', () => {
  it.each([
    [
      'ignore-file',
      'oversized',
      'over the limit; give a YAML file of ignore rules: a regular file of at most 4 MiB.',
    ],
    ['vex', 'oversized', 'over the limit; give an OpenVEX JSON document: a regular file of at most 16 MiB.'],
    ['ignore-file', 'fifo', 'is not a file.'],
    ['vex', 'directory', 'is not a file.'],
  ] as const)('%s given a %s file: one error naming it, grype never run', async (input, kind, problem) => {
    const run = await scan({ source: 'dir:.', [input]: bad[kind] });
    expect(errorLines(run)).toEqual([expect.stringMatching(new RegExp(`^Input '${input}': `))]);
    expect(errorLines(run)[0]).toContain(problem);
    expect(run.exitCode).toBe(1);
    expect(run.outputs.outcome).toBe('error');
    expect(run.calls).toEqual([]);
  });

  it('refuses an image that is not a reference before grype runs', async () => {
    const run = await scan({ source: 'image:127.0.0.1:99999/app:1' });
    expect(errorLines(run)).toEqual([
      expect.stringContaining(
        `Input 'source': invalid image reference "127.0.0.1:99999/app:1": registry port 99999`,
      ),
    ]);
    expect(run.exitCode).toBe(1);
    expect(run.calls).toEqual([]);
  });
});
