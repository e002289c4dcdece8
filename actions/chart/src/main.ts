import {
  actionLogger,
  exportVariable,
  Markdown,
  maskSecret,
  readPath,
  readSecret,
  readString,
  runAction,
  setOutput,
  writeSummary,
} from '@release-actions/kit';
import { credentialsPair, RegistryClient } from '@release-actions/oci';
import {
  chartRegistry,
  publishChart,
  signingRetryPolicy,
  writeDockerConfig,
} from '@release-actions/sigstore';
import os from 'node:os';
import path from 'node:path';

await runAction(async () => {
  const logger = actionLogger;
  const chartDirectory = readPath('path', { required: true, mustExist: 'directory' }) as string;
  const registry = chartRegistry(readString('registry', { required: true }));
  const version = readString('version');
  const appVersion = readString('app-version');
  const username = readString('registry-username');
  const password = readSecret('registry-password');
  const login = credentialsPair(username, password);
  const tempRoot = process.env.RUNNER_TEMP || os.tmpdir();

  const host = registry.split('/')[0] as string;
  let registryConfigFile: string | undefined;
  const secrets: string[] = [];
  if (login !== undefined) {
    const config = writeDockerConfig({ registry: host, ...login }, tempRoot, logger);
    for (const secret of config.secrets) maskSecret(secret);
    secrets.push(...config.secrets);
    registryConfigFile = config.file;
    // Later steps (cosign in sign/attest, syft in sbom) read the same login.
    exportVariable('DOCKER_CONFIG', config.directory);
    process.env.DOCKER_CONFIG = config.directory;
  }
  const client = new RegistryClient({
    logger,
    credentials: login !== undefined ? { [host]: login } : {},
  });
  const result = await publishChart({
    chartDirectory,
    registry,
    destination: path.join(tempRoot, 'helm-charts'),
    version,
    appVersion,
    registryConfigFile,
    client,
    logger,
    retry: signingRetryPolicy(),
    secrets,
  });

  setOutput('reference', result.reference);
  setOutput('digest', result.digest);
  setOutput('chart-url', result.chartUrl);
  setOutput('name', result.name);
  setOutput('version', result.version);
  setOutput('package', result.package);

  await writeSummary(
    new Markdown()
      .heading('Helm chart')
      .table(
        ['Chart', 'Version', 'Pushed to', 'Digest'],
        [[`\`${result.name}\``, `\`${result.version}\``, `\`${result.chartUrl}\``, `\`${result.digest}\``]],
      )
      .paragraph(`Sign and attest it by digest: \`${result.reference}\`.`),
  );
});
