import type { Command } from 'commander';
import { InputError } from '@release-actions/core';
import { installMany, normalizeMirror, renderSetupText, toolCacheRoot } from '@release-actions/tools';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { reporting } from '../output.js';
import { action, type CommandContext } from '../program.js';
import { terminalProgress } from '../progress.js';

interface InstallFlags {
  dir?: string;
  mirror?: string;
  platform?: string;
  version: string[];
  sha256: string[];
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * Creates the tool cache folder, so that a path that cannot be one fails before any download;
 * returns the outermost folder this created (undefined when it was all there).
 */
function createdFolder(dir: string): string | undefined {
  try {
    return mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new InputError(
      `cannot create the folder "${dir}" (${(error as NodeJS.ErrnoException).code ?? String(error)}); give a folder that exists or can be created.`,
      { input: 'dir' },
    );
  }
}

/** `tool=value` pairs of a repeatable flag, each tool at most once and among those being installed. */
function pairs(flag: string, values: readonly string[], tools: readonly string[]): Map<string, string> {
  const result = new Map<string, string>();
  for (const item of values) {
    const at = item.indexOf('=');
    const tool = item.slice(0, at).trim();
    const value = item.slice(at + 1).trim();
    if (at <= 0 || value === '') throw new InputError(`${flag} "${item}" must have the form tool=value.`);
    if (!tools.includes(tool))
      throw new InputError(`${flag} "${item}": ${tool} is not among the tools to install.`);
    if (result.has(tool)) throw new InputError(`${flag} is given twice for ${tool}.`);
    result.set(tool, value);
  }
  return result;
}

export function registerInstall(program: Command, context: CommandContext): void {
  reporting(program.command('install'))
    .description(
      'Install pinned release tools (cosign, syft, grype, slsa-verifier, helm), each verified against its SHA-256; prints "tool version path" per line (-q: one line naming them).',
    )
    .argument('<tools...>', 'tools to install')
    .option(
      '--dir <dir>',
      'tool cache directory (default: $RUNNER_TOOL_CACHE, else $XDG_CACHE_HOME/release-actions/tools)',
    )
    .option('--mirror <url>', 'base URL replacing https://github.com and https://get.helm.sh')
    .option(
      '--version <tool=version>',
      'install this version instead of the pinned one (repeatable)',
      collect,
      [],
    )
    .option(
      '--sha256 <tool=hex>',
      'expected SHA-256 of the asset, needed for a version the manifest does not know (repeatable)',
      collect,
      [],
    )
    .option('--platform <platform>', 'install for another platform, e.g. linux-arm64 (default: this machine)')
    .action((tools: string[], flags: InstallFlags) =>
      action(async () => {
        const versions = pairs('--version', flags.version, tools);
        const checksums = pairs('--sha256', flags.sha256, tools);
        if (flags.mirror !== undefined) normalizeMirror(flags.mirror);
        const dir = path.resolve(flags.dir ?? toolCacheRoot());
        const created = createdFolder(dir);
        // A live line on a terminal; none under --quiet, where only results and problems are printed.
        const progress = context.quiet ? undefined : terminalProgress(process.stderr);
        let installed;
        try {
          installed = await installMany(
            tools.map((tool) => ({ tool, version: versions.get(tool), sha256: checksums.get(tool) })),
            {
              mirror: flags.mirror,
              mirrorSetting: '--mirror',
              platform: flags.platform,
              toolCache: dir,
              logger: progress ? progress.wrap(context.logger()) : context.logger(),
              progress: progress?.download,
            },
          );
        } catch (error) {
          // A failed install leaves nothing behind; a folder that was there before stays.
          if (created !== undefined) rmSync(created, { recursive: true, force: true });
          throw error;
        }
        context.report({
          text: () => renderSetupText(installed),
          json: () =>
            installed.map((t) => ({
              tool: t.tool,
              version: t.version,
              platform: t.platform,
              path: t.path,
              sha256: t.sha256,
              source: t.source,
            })),
          // The text is data, "tool version path" lines a script may read; -q gets a sentence.
          verdict: (style) =>
            `${style.green('Installed')} ${installed.map((t) => `${t.tool} ${t.version}`).join(', ')}, each verified against its SHA-256.`,
        });
      }),
    );
}
