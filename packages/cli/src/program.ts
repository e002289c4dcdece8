import { Command, CommanderError, type Option } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  cliInputNames,
  describeError,
  EXIT_ERROR,
  exitCodeFor,
  EXIT_OK,
  plainStyle,
  styleFor,
  writeWhole,
} from '@release-actions/core';
import type { Logger, TextStyle } from '@release-actions/core';
import { consoleLogger } from './console-logger.js';
import { chosenOutput, render, type Chosen, type OutputFormat, type Report } from './output.js';

/**
 * The `release-actions` command. Exit codes, for every subcommand: 0 success, 1 policy failure
 * (findings, failed verification), 2 error (bad input, tool or network failure).
 *
 * The conventions every command follows live here, once: --format and -o (output.ts), -q (only
 * the verdict line, warnings and errors), --no-color / NO_COLOR, results on stdout and progress on
 * stderr.
 */
export interface CommandContext {
  logger: () => Logger;
  /** Where results go (stdout); tests capture it. */
  out: (text: string) => void;
  /** Emphasis for stdout: colour on a terminal, plain under --no-color, NO_COLOR, TERM=dumb or a pipe. */
  readonly style: TextStyle;
  /** -q: only the verdict line, warnings and errors. */
  readonly quiet: boolean;
  /** The --format the running command was given (text when it has none), checked before it ran. */
  readonly format: OutputFormat;
  /** The -o file the result goes to, when given. */
  readonly output: string | undefined;
  /** The result, per --format, -o and -q: stdout, or the -o file written whole. */
  report: (report: Report) => void;
  /** A document the command makes (not a report): to the -o file, else stdout. */
  emit: (text: string) => void;
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
    .option(
      '-q, --quiet',
      'print only the verdict line, warnings and errors (no progress; --format json and sarif are unchanged)',
    )
    .option(
      '--no-color',
      'plain text, no colour (also NO_COLOR=1, TERM=dumb, or when stdout is not a terminal)',
    )
    .showHelpAfterError('(run release-actions --help for usage)')
    .exitOverride();
  const flags = () => program.opts<{ verbose?: boolean; quiet?: boolean; color?: boolean }>();
  // Set just before a command's action runs (preAction): what its --format and -o chose.
  let chosen: Chosen = { format: 'text' };
  let name = 'release-actions';
  const line = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  const out = (text: string) => process.stdout.write(line(text));
  /** The result on stdout, or written whole to -o's file with one line saying so. */
  const place = (text: string, what: string) => {
    if (chosen.output === undefined) return void out(text);
    writeWhole(chosen.output, line(text));
    context.logger().info(`${name}: wrote ${what ? `${what} ` : ''}${chosen.output}`);
  };
  const context: CommandContext = {
    logger: () => consoleLogger(flags()),
    out,
    get style() {
      return styleFor({ isTTY: process.stdout.isTTY, env: process.env, noColor: flags().color === false });
    },
    get quiet() {
      return Boolean(flags().quiet);
    },
    get format() {
      return chosen.format;
    },
    get output() {
      return chosen.output;
    },
    report(report) {
      // A file is never a terminal: no colour, and the whole result whatever -q says.
      const toFile = chosen.output !== undefined;
      const text = render(
        report,
        chosen.format,
        toFile ? plainStyle : context.style,
        !toFile && context.quiet,
      );
      place(text, `the ${chosen.format} result to`);
    },
    emit(text) {
      place(text, '');
    },
  };
  program.hook('preAction', (_program, command) => {
    name = command.parent === program ? command.name() : `${command.parent?.name()} ${command.name()}`;
    chosen = chosenOutput(command);
    // The tools we run inherit the environment: no colour from them either.
    if (flags().color === false) process.env.NO_COLOR = '1';
  });
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
    // Flags checked before a command runs (--format, -o) are named as flags here too.
    process.stderr.write(`release-actions: ${describeError(error, cliInputNames())}\n`);
    process.exitCode = EXIT_ERROR;
  }
}
