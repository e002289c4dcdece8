import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeBadFiles, type BadFiles } from '../../harness/bad-files.js';
import { errors, runBundle } from '../../harness/run-bundle.js';

/** The audit action refuses a config or a workflow path that is not a regular file within its limit. */

let workspace: string;
let bad: BadFiles;

beforeAll(() => {
  workspace = mkdtempSync(path.join(os.tmpdir(), 'audit-input-files-'));
  // Over the config's 1 MiB and a workflow's 10 MiB.
  bad = makeBadFiles(workspace, 11 * 1024 * 1024);
});

afterAll(() => rmSync(workspace, { recursive: true, force: true }));

describe('audit action file inputs', () => {
  it('refuses a config over the limit', async () => {
    const run = await runBundle('audit', { workspace, inputs: { config: bad.oversized }, timeoutMs: 20_000 });
    expect(errors(run)).toEqual([
      `Input 'config': "${bad.oversized}" is ${11 * 1024 * 1024} bytes, over the limit; give an audit config YAML file: a regular file of at most 1 MiB.`,
    ]);
    expect(run.exitCode).toBe(1);
  });

  it.each(['fifo', 'oversized'] as const)('does not pass a workflow path that is a %s', async (kind) => {
    const run = await runBundle('audit', { workspace, inputs: { paths: bad[kind] }, timeoutMs: 20_000 });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.outcome).toBe('error');
    expect(run.stdout + run.stderr).toContain(`"${bad[kind]}"`);
  });
});
