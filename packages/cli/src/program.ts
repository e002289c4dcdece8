import { Command, CommanderError } from 'commander';
import { describeError, EXIT_ERROR, exitCodeFor, EXIT_OK } from '@release-actions/core';
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

/** A subcommand's body returns its exit code (0 or 1); errors it throws map to 1 or 2 by type. */
export type CommandBody = () => Promise<number | void>;

export function action(body: CommandBody): Promise<void> {
  return body().then(
    (code) => {
      process.exitCode = code ?? EXIT_OK;
    },
    (error: unknown) => {
      process.stderr.write(`release-actions: ${describeError(error)}\n`);
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
