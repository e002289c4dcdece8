import type { Command } from 'commander';
import { Markdown } from '@release-actions/kit';
import { RegistryClient } from '@release-actions/oci';
import {
  chartRegistry,
  publishChart,
  signingRetryPolicy,
  writeDockerConfig,
} from '@release-actions/sigstore';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { action, type CommandContext } from '../program.js';
import { registryPassword } from './sign.js';

interface ChartFlags {
  version?: string;
  appVersion?: string;
  destination?: string;
  registryUsername?: string;
  json?: boolean;
}

export function registerChart(program: Command, context: CommandContext): void {
  program
    .command('chart')
    .description('Package a Helm chart, push it to an OCI registry, and print its confirmed digest.')
    .argument('<path>', 'chart directory (holding Chart.yaml)')
    .argument('<registry>', 'oci://<registry host>/<path>')
    .option('--version <version>', 'chart version instead of Chart.yaml’s')
    .option('--app-version <version>', 'appVersion instead of Chart.yaml’s')
    .option('--destination <dir>', 'directory for the .tgz (default: a temporary directory)')
    .option('--registry-username <user>', 'registry user (password in RELEASE_ACTIONS_REGISTRY_PASSWORD)')
    .option('--json', 'print the result as JSON')
    .action((chartPath: string, registryValue: string, flags: ChartFlags) =>
      action(async () => {
        const logger = context.logger();
        const registry = chartRegistry(registryValue, 'registry');
        const host = registry.split('/')[0] as string;
        const username = flags.registryUsername;
        const password = registryPassword(username);
        const config =
          username !== undefined && password !== undefined
            ? writeDockerConfig({ registry: host, username, password }, os.tmpdir(), logger)
            : undefined;
        try {
          const result = await publishChart({
            chartDirectory: path.resolve(chartPath),
            registry,
            destination: path.resolve(flags.destination ?? path.join(os.tmpdir(), 'helm-charts')),
            version: flags.version,
            appVersion: flags.appVersion,
            registryConfigFile: config?.file,
            client: new RegistryClient({
              logger,
              credentials: config
                ? { [host]: { username: username as string, password: password as string } }
                : {},
            }),
            logger,
            retry: signingRetryPolicy(),
            secrets: config?.secrets ?? [],
          });
          if (flags.json) context.out(JSON.stringify(result, null, 2));
          else {
            context.out(
              new Markdown()
                .heading('Helm chart')
                .table(
                  ['Chart', 'Version', 'Pushed to', 'Digest'],
                  [[result.name, result.version, result.chartUrl, result.digest]],
                )
                .paragraph(`Sign and attest it by digest: ${result.reference}`)
                .toString(),
            );
          }
          return 0;
        } finally {
          if (config) rmSync(config.directory, { recursive: true, force: true });
        }
      }),
    );
}
