import { afterEach, beforeEach, jest } from '@jest/globals';
import { createProgram, main } from '@release-actions/cli';
import type { Command } from 'commander';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fakesBin, repoRoot, runNode, type NodeRunOptions, type ProcessResult } from './run-bundle.js';

export { runNode, type NodeRunOptions, type ProcessResult };

/**
 * The `release-actions` command line in tests, two ways: the built bundle as a child process
 * (what `npx @aotanami/release-actions` runs), or the real program inside the test process with its
 * output captured (each subcommand's behaviour, without a build).
 */

export const cliBundle = path.join(repoRoot, 'dist', 'cli', 'index.js');

/** `node dist/cli/index.js <args>`: the built CLI (`npm run build -- cli`). */
export function runCli(args: readonly string[], options: NodeRunOptions = {}): Promise<ProcessResult> {
  return runNode(cliBundle, args, options);
}

type Register = Parameters<typeof createProgram>[0][number];

export interface CliCapture {
  /** What the program wrote in the current test (emptied before each test). */
  readonly stdout: string[];
  readonly stderr: string[];
  /** `release-actions <prefix> <args>` with the subcommands given to captureCli; 0 when no code was set. */
  run(...args: string[]): Promise<number>;
  /** Runs `program` with `args` (what follows `release-actions`); process.exitCode as the program left it. */
  exitCode(program: Command, args: readonly string[]): Promise<number | undefined>;
}

/**
 * The real program in this process. Call it at the top of a test file or describe block: it adds
 * hooks that capture stdout and stderr for each test, then restore process.env, the working
 * directory and process.exitCode, so that a test may change them freely.
 */
export function captureCli(registers: readonly Register[] = [], prefix: readonly string[] = []): CliCapture {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const savedEnv = { ...process.env };
  const savedCwd = process.cwd();
  let savedExitCode: typeof process.exitCode;

  beforeEach(() => {
    savedExitCode = process.exitCode;
    stdout.length = 0;
    stderr.length = 0;
    for (const [stream, lines] of [
      [process.stdout, stdout],
      [process.stderr, stderr],
    ] as const) {
      jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      });
    }
  });

  afterEach(() => {
    jest.restoreAllMocks();
    process.chdir(savedCwd);
    process.exitCode = savedExitCode;
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  });

  async function exitCode(program: Command, args: readonly string[]): Promise<number | undefined> {
    process.exitCode = undefined;
    await main(program, ['node', 'release-actions', ...args]);
    const code = process.exitCode;
    process.exitCode = savedExitCode;
    return code === undefined ? undefined : Number(code);
  }

  return {
    stdout,
    stderr,
    exitCode,
    run: async (...args) => (await exitCode(createProgram([...registers]), [...prefix, ...args])) ?? 0,
  };
}

/** One recorded call of a fake tool (test/fakes/lib.mjs). */
export interface Call {
  tool: string;
  argv: string[];
  env: Record<string, string>;
}

/**
 * For the program in this process: a fresh scratch directory, the fake tools first on PATH and
 * their calls logged to `log` (FAKE_LOG). captureCli's hooks put process.env back afterwards.
 */
export function useFakeTools(prefix: string): { dir: string; log: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const log = path.join(dir, 'fake.log');
  process.env.FAKE_LOG = log;
  process.env.PATH = `${fakesBin}${path.delimiter}${process.env.PATH ?? ''}`;
  return { dir, log };
}

/** The calls a fake tool logged, in order (none when it never ran). */
export function readCalls(log: string): Call[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Call);
}
