import { Command, CommanderError, type Option } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** The package version, put into the bundle by the build (scripts/bundles.mjs, esbuild's define). */
declare const RELEASE_ACTIONS_VERSION: string | undefined;

const PACKAGE_NAME = '@aotanami/release-actions';

/**
 * The version of the package: the build's, or, where the sources run as they are (the tests), the
 * one in the repository's package.json, the nearest above this file that bears the package's name.
 */
function packageVersion(): string {
  if (typeof RELEASE_ACTIONS_VERSION === 'string') return RELEASE_ACTIONS_VERSION;
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === PACKAGE_NAME && manifest.version) return manifest.version;
    }
    if (path.dirname(dir) === dir) throw new Error(`no package.json of ${PACKAGE_NAME} above ${dir}`);
  }
}

/**
 * `install` and `chart` take a --version of their own, and the program's options are read after a
 * subcommand too (`scan … --quiet`); so the program's --version counts only before the subcommand,
 * and after it the subcommand's is the one that applies.
 */
function versionBeforeSubcommandOnly(program: Command): void {
  const version = program.options.find((option) => option.long === '--version');
  if (!version) return;
  const parseOptions = program.parseOptions.bind(program);
  program.parseOptions = (args) => {
    const subcommand = args.findIndex((arg) => !arg.startsWith('-'));
    if (
      subcommand === -1 ||
      args.slice(0, subcommand).some((arg) => arg === version.long || arg === version.short)
    ) {
      return parseOptions(args);
    }
    const options = program.options as Option[];
    const at = options.indexOf(version);
    options.splice(at, 1);
    try {
      return parseOptions(args);
    } finally {
      options.splice(at, 0, version);
    }
  };
}

export function createProgram(register: ((program: Command, context: CommandContext) => void)[]): Command {
  const program = new Command('release-actions')
    .description('Sign, attest, scan and verify container images and Helm charts for a trustworthy release.')
    .version(packageVersion(), '-V, --version', 'print the version of release-actions')
    .option('-v, --verbose', 'print debug messages')
    .option('-q, --quiet', 'print only results and problems')
    .showHelpAfterError('(run release-actions --help for usage)')
    .exitOverride();
  const context: CommandContext = {
    logger: () => consoleLogger(program.opts<{ verbose?: boolean; quiet?: boolean }>()),
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  };
  for (const add of register) add(program, context);
  versionBeforeSubcommandOnly(program);
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
