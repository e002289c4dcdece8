import { Option, type Command } from 'commander';
import { InputError, listed, type TextStyle } from '@release-actions/core';

/**
 * The output conventions every reporting command shares: `--format`, `-o, --output` and the
 * deprecated `--json`, read once for the command that runs (see program.ts).
 */

export type OutputFormat = 'text' | 'json' | 'sarif';

/** What a command accepts, kept per command so the program checks --format before the work starts. */
interface Accepted {
  formats: readonly string[];
  /** Other values a command's own --format takes (sbom's SBOM formats), left to the command. */
  others?: (value: string) => boolean;
  /** Added to the error line when a value is not accepted. */
  hint?: string;
}

const ACCEPTED = new WeakMap<Command, Accepted>();

export interface ReportingOptions {
  /** Default text and json; scan and audit add sarif. */
  formats?: readonly string[];
  /**
   * Other values the command's own --format takes (sbom's SBOM formats): the command then defines
   * --format itself, and only -o and --json are added.
   */
  others?: (value: string) => boolean;
  hint?: string;
}

/** Adds --format, -o/--output and the hidden --json to a command that reports. */
export function reporting(command: Command, options: ReportingOptions = {}): Command {
  const formats = options.formats ?? ['text', 'json'];
  ACCEPTED.set(command, { formats, others: options.others, hint: options.hint });
  if (options.others === undefined) {
    command.option('--format <format>', `result format: ${listed(formats, 'or')} (default text)`);
  }
  return command
    .option('-o, --output <file>', 'write the result to this file (whole or not at all) instead of stdout')
    .addOption(new Option('--json', 'deprecated: the same as --format json').hideHelp());
}

/** What the running command's flags (with its parents', which commander may have given them) choose. */
export interface Chosen {
  format: OutputFormat;
  output?: string;
}

/** --format, -o and --json of the command about to run; an InputError for a value it does not accept. */
export function chosenOutput(command: Command): Chosen {
  const accepted = ACCEPTED.get(command);
  if (accepted === undefined) return { format: 'text' };
  const flags = command.optsWithGlobals<{ format?: string | string[]; output?: string; json?: boolean }>();
  const raw = flags.format === undefined ? [] : Array.isArray(flags.format) ? flags.format : [flags.format];
  const given = raw.filter((value) => !(accepted.others?.(value) ?? false)).map((v) => v.toLowerCase());
  if (flags.json) given.push('json');
  const distinct = [...new Set(given)];
  if (distinct.length > 1) {
    throw new InputError(`give one result format, got ${distinct.join(' and ')} (--json is --format json).`, {
      input: 'format',
    });
  }
  const format = distinct[0] ?? 'text';
  if (!accepted.formats.includes(format)) {
    const hint = accepted.hint === undefined ? '' : ` ${accepted.hint}`;
    throw new InputError(`"${format}" is not accepted; use ${listed(accepted.formats, 'or')}.${hint}`, {
      input: 'format',
    });
  }
  if (flags.output === '') throw new InputError('names no file.', { input: 'output' });
  return { format: format as OutputFormat, output: flags.output };
}

/** A command's result in each format it offers. */
export interface Report {
  /** The text for a person; its first line is the verdict (what -q prints). */
  text: (style: TextStyle) => string;
  /** The JSON document (an object, or JSON text already made). */
  json: () => unknown;
  /** The SARIF log, for the commands that offer it. */
  sarif?: () => string;
  /** The verdict line for -q when the text does not start with it (a list of findings or tools). */
  verdict?: (style: TextStyle) => string;
}

/** The body for the chosen format; under -q, text is reduced to its verdict line. */
export function render(report: Report, format: OutputFormat, style: TextStyle, quiet: boolean): string {
  if (format === 'json') {
    const json = report.json();
    return typeof json === 'string' ? json : JSON.stringify(json, null, 2);
  }
  if (format === 'sarif') {
    if (report.sarif === undefined)
      throw new InputError('"sarif" is not accepted here.', { input: 'format' });
    return report.sarif();
  }
  if (!quiet) return report.text(style);
  return report.verdict?.(style) ?? report.text(style).split('\n')[0] ?? '';
}
