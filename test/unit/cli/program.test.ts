import { describe, expect, it } from '@jest/globals';
import type { Command } from 'commander';
import { enforceVerdict, InputError, OperationalError, PolicyError } from '@release-actions/core';
import { action, createProgram, type CommandContext } from '@release-actions/cli';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { captureCli, runCli } from '../../harness/run-cli.js';
import { repoRoot } from '../../harness/run-bundle.js';

describe('the built CLI (dist/cli/index.js)', () => {
  it('--help exits 0 and prints the usage', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: release-actions /);
    expect(result.stdout).toContain('--verbose');
  });

  it('an unknown command exits 2 with a pointer to --help', async () => {
    const result = await runCli(['no-such-command']);
    expect(result.code).toBe(2);
    // Commander words it "unknown command" once subcommands exist, "too many arguments" before.
    expect(result.stderr).toMatch(/unknown command 'no-such-command'|too many arguments/);
    expect(result.stderr).toContain('release-actions --help');
  });

  it('an unknown option exits 2', async () => {
    const result = await runCli(['--no-such-option']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--no-such-option'");
  });
});

describe('program: exit codes of a subcommand', () => {
  const { stdout, stderr, exitCode } = captureCli();

  function programWith(
    body: (context: CommandContext) => Promise<void>,
    renamed: Record<string, string> = {},
  ): Command {
    return createProgram([
      (program, context) => {
        program
          .command('probe')
          .description('test command')
          .action(() => action(() => body(context), renamed));
      },
    ]);
  }

  async function exitOf(
    body: (context: CommandContext) => Promise<void>,
    renamed: Record<string, string> = {},
  ): Promise<number | undefined> {
    return exitCode(programWith(body, renamed), ['probe']);
  }

  it('0 when the body returns', async () => {
    expect(await exitOf(async () => undefined)).toBe(0);
  });

  it('1 for a blocked verdict, 2 for one that could not be decided, through enforceVerdict', async () => {
    const blocked = { outcome: 'blocked', code: 'SCAN_BLOCKED', message: '2 findings' } as const;
    expect(await exitOf(async () => enforceVerdict(blocked))).toBe(1);
    expect(await exitOf(async () => enforceVerdict({ ...blocked, outcome: 'error' }))).toBe(2);
    expect(await exitOf(async () => enforceVerdict({ ...blocked, outcome: 'passed' }))).toBe(0);
  });

  it('names the flag of an input, or what the command takes instead', async () => {
    const bad = () => Promise.reject(new InputError('"x" is not accepted.', { input: 'fail-on' }));
    expect(await exitOf(bad)).toBe(2);
    expect(stderr.join('')).toBe('release-actions: --fail-on: "x" is not accepted.\n');
    stderr.length = 0;
    expect(await exitOf(bad, { 'fail-on': '<severity>' })).toBe(2);
    expect(stderr.join('')).toBe('release-actions: <severity>: "x" is not accepted.\n');
  });

  it('1 for a policy failure, 2 for bad input, an operational error or a bug; one line on stderr', async () => {
    expect(await exitOf(async () => Promise.reject(new PolicyError('2 findings at or above high')))).toBe(1);
    expect(stderr.join('')).toBe('release-actions: 2 findings at or above high\n');
    stderr.length = 0;
    expect(await exitOf(async () => Promise.reject(new InputError('Flag \'--fail-on\': "x"')))).toBe(2);
    expect(await exitOf(async () => Promise.reject(new OperationalError('grype exited 1')))).toBe(2);
    expect(await exitOf(async () => Promise.reject(new TypeError('undefined is not a function')))).toBe(2);
    expect(stderr.join('')).not.toMatch(/\n\s+at /);
  });

  it('prints the stack with RUNNER_DEBUG=1', async () => {
    process.env.RUNNER_DEBUG = '1';
    expect(await exitOf(async () => Promise.reject(new OperationalError('down')))).toBe(2);
    expect(stderr.join('')).toMatch(/OperationalError: down\n\s+at /);
  });

  it('writes results to stdout and progress to stderr', async () => {
    await exitOf(async (context) => {
      context.out('result line');
      context.out('already ended\n');
      context.logger().info('progress');
    });
    expect(stdout.join('')).toBe('result line\nalready ended\n');
    expect(stderr.join('')).toBe('progress\n');
  });

  it('--quiet hides progress, --verbose shows debug', async () => {
    const log = (context: CommandContext) => {
      context.logger().info('progress');
      context.logger().debug('detail');
      return Promise.resolve();
    };
    await exitCode(programWith(log), ['--quiet', 'probe']);
    expect(stderr.join('')).toBe('');
    await exitCode(programWith(log), ['--verbose', 'probe']);
    expect(stderr.join('')).toBe('progress\ndebug: detail\n');
  });
});

describe('program: --version', () => {
  const { stdout, stderr, exitCode } = captureCli();
  const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    version: string;
  };

  /** A subcommand with a --version of its own, as `install` and `chart` have. */
  function withOwnVersion(seen: unknown[]): Command {
    return createProgram([
      (program) => {
        program
          .command('probe')
          .option('--version <value>', "the subcommand's own")
          .action((flags: { version?: string }) =>
            action(async () => {
              seen.push([flags.version, program.opts<{ verbose?: boolean }>().verbose]);
            }),
          );
      },
    ]);
  }

  it('prints the package.json version with exit 0, before any subcommand', async () => {
    for (const args of [['--version'], ['-V'], ['--quiet', '--version']]) {
      stdout.length = 0;
      expect(await exitCode(withOwnVersion([]), args)).toBe(0);
      expect(stdout.join('')).toBe(`${version}\n`);
    }
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('leaves a --version after the subcommand to the subcommand, and --verbose to the program', async () => {
    const seen: unknown[] = [];
    expect(await exitCode(withOwnVersion(seen), ['probe', '--version', 'cosign=v1', '--verbose'])).toBe(0);
    expect(await exitCode(withOwnVersion(seen), ['probe'])).toBe(0);
    expect(seen).toEqual([
      ['cosign=v1', true],
      [undefined, undefined],
    ]);
    expect(stdout.join('')).toBe('');
    expect(stderr.join('')).toBe('');
  });
});
