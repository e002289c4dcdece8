import { InputError, Markdown } from '@release-actions/core';
import {
  actionLogger,
  exportVariable,
  maskSecret,
  readBoolean,
  readPath,
  readSecret,
  readString,
  runAction,
  setOutput,
  writeSummary,
} from '@release-actions/kit';
import { credentialsPair, RegistryClient } from '@release-actions/oci';
import { signingRetryPolicy, writeDockerConfig } from '@release-actions/cosign';
import { chartRegistry, packageChart, pushChart } from '@release-actions/helm';
import os from 'node:os';
import path from 'node:path';

await runAction(async () => {
  const logger = actionLogger;
  const tempRoot = process.env.RUNNER_TEMP || os.tmpdir();
  const destination = path.join(tempRoot, 'helm-charts');
  const chartDirectory = readPath('path', { mustExist: 'directory' });
  // A chart packaged by an earlier chart step of this job lives under RUNNER_TEMP.
  const packaged = readPath('package', { mustExist: 'file', alsoInside: [destination] });
  const push = readBoolean('push', { default: true });
  const registryText = readString('registry');
  const version = readString('version');
  const appVersion = readString('app-version');
  if ((chartDirectory === undefined) === (packaged === undefined)) {
    throw new InputError(
      `Give exactly one of the inputs 'path' (a chart directory to package) or 'package' (a .tgz packaged by a chart step with push: false).`,
    );
  }
  if (packaged !== undefined && !push) {
    throw new InputError(`Input 'push': false with 'package' would do nothing; 'package' is for pushing.`);
  }
  if (packaged !== undefined && (version !== undefined || appVersion !== undefined)) {
    throw new InputError(
      `Inputs 'version' and 'app-version' apply when packaging; give them to the step that packages 'path'.`,
    );
  }
  if (push && registryText === undefined) {
    throw new InputError(
      `Input 'registry' is required to push (oci://<registry host>/<path>); or set push: false.`,
    );
  }
  const registry = registryText === undefined ? undefined : chartRegistry(registryText);
  const username = readString('registry-username');
  const password = readSecret('registry-password');
  const login = credentialsPair(username, password);

  let registryConfigFile: string | undefined;
  const secrets: string[] = [];
  const host = registry?.split('/')[0];
  if (login !== undefined && host !== undefined) {
    const config = writeDockerConfig({ registry: host, ...login }, tempRoot, logger);
    for (const secret of config.secrets) maskSecret(secret);
    secrets.push(...config.secrets);
    registryConfigFile = config.file;
    // Later steps (cosign in sign/attest, syft in sbom) read the same login.
    exportVariable('DOCKER_CONFIG', config.directory);
    process.env.DOCKER_CONFIG = config.directory;
  }

  const chart =
    chartDirectory !== undefined
      ? await packageChart({
          chartDirectory,
          destination,
          version,
          appVersion,
          registryConfigFile,
          logger,
          secrets,
        })
      : undefined;
  if (!push) {
    setOutput('name', chart!.name);
    setOutput('version', chart!.version);
    setOutput('package', chart!.package);
    setOutput('pushed', false);
    await writeSummary(
      new Markdown()
        .heading('Helm chart')
        .table(
          ['Chart', 'Version', 'Packaged'],
          [[`\`${chart!.name}\``, `\`${chart!.version}\``, `\`${chart!.package}\``]],
        )
        .paragraph('Not pushed (push: false): scan it, then push it with a chart step given `package`.'),
    );
    return;
  }

  const result = await pushChart({
    package: chart?.package ?? (packaged as string),
    packageInput: chart ? 'path' : 'package',
    registry: registry as string,
    registryConfigFile,
    client: new RegistryClient({
      logger,
      credentials: login !== undefined ? { [host as string]: login } : {},
    }),
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
  setOutput('pushed', result.pushed);

  await writeSummary(
    new Markdown()
      .heading('Helm chart')
      .table(
        ['Chart', 'Version', result.pushed ? 'Pushed to' : 'Already at', 'Digest'],
        [[`\`${result.name}\``, `\`${result.version}\``, `\`${result.chartUrl}\``, `\`${result.digest}\``]],
      )
      .paragraph(
        `${result.pushed ? '' : 'The registry already held this version with the same files (a rerun); nothing was pushed. '}Sign and attest it by digest: \`${result.reference}\`.`,
      ),
  );
});
