import { Command, CommanderError } from 'commander';
import { cliInputNames, describeError, EXIT_ERROR, exitCodeFor, EXIT_OK } from '@release-actions/core';
import type { Logger } from '@release-actions/core';
import { consoleLogger } from './console-logger.js';

/**
 * The `release-actions` command. Exit codes, for every subcommand: 0 success, 1 policy failure
 * (findings, failed verification), 2 error (bad input, tool or network failure).
 */
export interface CommandContext {
  logger: () => Logger;
  /** Where results go (stdout); tests capture it. */
  out: (text: string) => void;
}

/**
 * A subcommand's body returns nothing: success is exit 0, and what it throws maps to 1 (a policy
 * failure, see enforceVerdict) or 2 (anything else).
 */
export type CommandBody = () => Promise<void>;

/**
 * Runs a subcommand. Errors name the flag of an input (`--ref-pattern`); `renamed` gives the few
 * inputs the command takes another way (e.g. `{ image: '<image>' }` for a positional argument).
 */
export function action(body: CommandBody, renamed: Readonly<Record<string, string>> = {}): Promise<void> {
  return body().then(
    () => {
      process.exitCode = EXIT_OK;
    },
    (error: unknown) => {
      process.stderr.write(`release-actions: ${describeError(error, cliInputNames(renamed))}\n`);
      if (process.env.RUNNER_DEBUG === '1' && error instanceof Error && error.stack) {
        process.stderr.write(`${error.stack}\n`);
      }
      process.exitCode = exitCodeFor(error);
    },
  );
}

export function createProgram(register: ((program: Command, context: CommandContext) => void)[]): Command {
  const program = new Command('release-actions')
    .description('Sign, attest, scan and verify container images and Helm charts for a trustworthy release.')
    .option('-v, --verbose', 'print debug messages')
    .option('-q, --quiet', 'print only results and problems')
    .showHelpAfterError('(run release-actions --help for usage)')
    .exitOverride();
  const context: CommandContext = {
    logger: () => consoleLogger(program.opts<{ verbose?: boolean; quiet?: boolean }>()),
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  };
  for (const add of register) add(program, context);
  return program;
}

export async function main(program: Command, argv: string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors with commander's code 1 become 2.
      process.exitCode = error.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
      return;
    }
    process.stderr.write(`release-actions: ${describeError(error)}\n`);
    process.exitCode = EXIT_ERROR;
  }
}
