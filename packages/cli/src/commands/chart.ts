import type { Command } from 'commander';
import { InputError } from '@release-actions/core';
import { publishChart, renderChartText } from '@release-actions/helm';
import os from 'node:os';
import path from 'node:path';
import { reporting } from '../output.js';
import { action, type CommandContext } from '../program.js';
import { registryPassword } from './sign.js';

interface ChartFlags {
  version?: string;
  appVersion?: string;
  destination?: string;
  registryUsername?: string;
  /** commander's --no-push: false when given. */
  push?: boolean;
  package?: string;
}

/** Which positional is which: `<path> <registry>`, `<path> --no-push`, `--package <tgz> <registry>`. */
function positionals(
  first: string | undefined,
  second: string | undefined,
  flags: ChartFlags,
): { chartPath?: string; registry?: string } {
  const given = [first, second].filter((v): v is string => v !== undefined);
  if (flags.package !== undefined) {
    if (flags.push === false)
      throw new InputError('--package pushes a packaged chart; --no-push with it would do nothing.');
    if (flags.version !== undefined || flags.appVersion !== undefined) {
      throw new InputError('--version and --app-version apply when packaging; not with --package.');
    }
    if (given.length !== 1)
      throw new InputError('With --package, give one argument: the registry, oci://<registry host>/<path>.');
    return { registry: given[0] };
  }
  if (flags.push === false) {
    if (given.length !== 1) throw new InputError('With --no-push, give one argument: the chart directory.');
    return { chartPath: given[0] };
  }
  if (given.length !== 2) {
    throw new InputError(
      'Give the chart directory and the registry (oci://<registry host>/<path>), or --no-push, or --package <tgz> <registry>.',
    );
  }
  return { chartPath: given[0], registry: given[1] };
}

export function registerChart(program: Command, context: CommandContext): void {
  reporting(program.command('chart'))
    .description(
      'Package a Helm chart and push it to an OCI registry (never over an existing version with other content), printing its confirmed digest. --no-push packages only; --package pushes a chart packaged earlier.',
    )
    .argument('[path]', 'chart directory (holding Chart.yaml); with --package, the registry')
    .argument('[registry]', 'oci://<registry host>/<path>')
    .option('--version <version>', 'chart version instead of Chart.yaml’s')
    .option('--app-version <version>', 'appVersion instead of Chart.yaml’s')
    .option('--destination <dir>', 'directory for the .tgz (default: a temporary directory)')
    .option('--no-push', 'package only: print the .tgz, name and version; no registry is contacted')
    .option('--package <tgz>', 'push this packaged chart (from --no-push) instead of packaging a directory')
    .option('--registry-username <user>', 'registry user (password in RELEASE_ACTIONS_REGISTRY_PASSWORD)')
    .action((first: string | undefined, second: string | undefined, flags: ChartFlags) =>
      action(
        async () => {
          const { chartPath, registry } = positionals(first, second, flags);
          const report = await publishChart({
            chartDirectory: chartPath === undefined ? undefined : path.resolve(chartPath),
            package: flags.package === undefined ? undefined : path.resolve(flags.package),
            push: flags.push !== false,
            registry,
            version: flags.version,
            appVersion: flags.appVersion,
            destination: flags.destination === undefined ? undefined : path.resolve(flags.destination),
            registryUsername: flags.registryUsername,
            registryPassword: registryPassword(flags.registryUsername),
            tempRoot: os.tmpdir(),
            logger: context.logger(),
          });
          context.report({ text: () => renderChartText(report), json: () => report });
        },
        { path: '<path>', registry: '<registry>' },
      ),
    );
}
