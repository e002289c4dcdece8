import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from '../../harness/run-bundle.js';

// runAction is checked as the runner sees it: a small action is bundled and run in its own
// process, and its stdout (workflow commands), exit code and file commands are read back.
let scratch: string;
let script: string;

const entry = `
import { runAction, setOutput, writeSummary, readString } from '@release-actions/kit';
import { Markdown, PolicyError, OperationalError, InputError } from '@release-actions/core';
await runAction(async () => {
  const mode = readString('mode', { required: true });
  if (mode === 'ok') {
    setOutput('result', { findings: 0 });
    setOutput('text', 'two\\nlines');
    await writeSummary(new Markdown().heading('Done').paragraph('no findings'));
    return;
  }
  if (mode === 'policy') throw new PolicyError('2 findings at or above high', { cause: new Error('CVE-1\\nsecond line'), code: 'SCAN_BLOCKED' });
  if (mode === 'reported') return 'blocked';
  if (mode === 'input') throw new InputError('"x" is not a severity.', { input: 'severity-cutoff' });
  if (mode === 'string') throw 'a thrown string';
  throw new OperationalError('grype failed');
});
`;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'kit-run-action-'));
  script = path.join(scratch, 'index.mjs');
  await build({
    stdin: { contents: entry, resolveDir: repoRoot, loader: 'ts', sourcefile: 'entry.ts' },
    outfile: script,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    alias: {
      '@release-actions/kit': path.join(repoRoot, 'packages/kit/src/index.ts'),
      '@release-actions/core': path.join(repoRoot, 'packages/core/src/index.ts'),
    },
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'error',
  });
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function run(mode: string, env: Record<string, string> = {}) {
  const output = path.join(scratch, `output-${mode}`);
  const summary = path.join(scratch, `summary-${mode}`);
  writeFileSync(output, '');
  writeFileSync(summary, '');
  const result = spawnSync(process.execPath, [script], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      INPUT_MODE: mode,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      ...env,
    },
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    output: readFileSync(output, 'utf8'),
    summary: readFileSync(summary, 'utf8'),
  };
}

describe('runAction', () => {
  it('succeeds with outputs and a summary', () => {
    const result = run('ok');
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain('::error');
    expect(result.output).toContain('result<<');
    expect(result.output).toContain('{"findings":0}');
    expect(result.output).toMatch(/text<<(\S+)\ntwo\nlines\n\1\n/);
    // A blank line after each write keeps the next step's summary a separate block.
    expect(result.summary).toBe('## Done\n\nno findings\n\n');
    expect(result.output).toMatch(/outcome<<(\S+)\npassed\n\1\n/);
  });

  it('sets the outcome a body reports without failing the step', () => {
    const result = run('reported');
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain('::error');
    expect(result.output).toMatch(/outcome<<(\S+)\nblocked\n\1\n/);
  });

  it('names the input of a bad value and titles the line with its code', () => {
    const result = run('input');
    expect(result.status).toBe(1);
    expect(result.stdout.trim()).toBe(
      `::error title=INPUT_INVALID::Input 'severity-cutoff': "x" is not a severity.`,
    );
    expect(result.output).toMatch(/outcome<<(\S+)\nerror\n\1\n/);
  });

  it('turns an error into exactly one ::error:: line with its cause, and exit code 1, no stack', () => {
    const result = run('policy');
    expect(result.status).toBe(1);
    const lines = result.stdout.split('\n').filter((line) => line !== '');
    expect(lines).toEqual(['::error title=SCAN_BLOCKED::2 findings at or above high: CVE-1']);
    expect(result.output).toMatch(/outcome<<(\S+)\nblocked\n\1\n/);
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).toBe('');
  });

  it('describes a thrown non-error value too', () => {
    const result = run('string');
    expect(result.status).toBe(1);
    expect(result.stdout.trim()).toBe('::error title=INTERNAL::a thrown string');
    expect(result.output).toMatch(/outcome<<(\S+)\nerror\n\1\n/);
  });

  it('prints the stack only with RUNNER_DEBUG=1', () => {
    const quiet = run('operational', { RUNNER_DEBUG: '0' });
    expect(quiet.stdout.trim()).toBe('::error title=OPERATION_FAILED::grype failed');

    const debug = run('operational', { RUNNER_DEBUG: '1' });
    expect(debug.status).toBe(1);
    expect(debug.stdout).toContain('::error title=OPERATION_FAILED::grype failed');
    expect(debug.stdout).toContain('OperationalError: grype failed');
    expect(debug.stdout).toMatch(/\n\s+at /);
  });

  it('names a missing required input', () => {
    const result = spawnSync(process.execPath, [script], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(result.status).toBe(1);
    // Without GITHUB_OUTPUT (an old runner) @actions/core falls back to the set-output command.
    expect(result.stdout.trim().split('\n')).toEqual([
      '::set-output name=outcome::error',
      "::error title=INPUT_INVALID::Input 'mode': required but not given.",
    ]);
  });
});
