import { Markdown } from '@release-actions/core';
import {
  actionLogger,
  exportVariable,
  maskSecret,
  readBoolean,
  readPath,
  readSecret,
  readString,
  runAction,
  runnerTemp,
  setOutputs,
  writeSummary,
} from '@release-actions/kit';
import {
  chartOutputs,
  defaultChartDestination,
  publishChart,
  renderChartSummary,
} from '@release-actions/helm';

await runAction(async () => {
  const report = await publishChart({
    chartDirectory: readPath('path', { mustExist: 'directory' }),
    // A chart packaged by an earlier chart step of this job lives under RUNNER_TEMP.
    package: readPath('package', { mustExist: 'file', alsoInside: [defaultChartDestination(runnerTemp())] }),
    push: readBoolean('push', { default: true }),
    registry: readString('registry'),
    version: readString('version'),
    appVersion: readString('app-version'),
    registryUsername: readString('registry-username'),
    registryPassword: readSecret('registry-password'),
    tempRoot: runnerTemp(),
    logger: actionLogger,
    mask: maskSecret,
    // Later steps (cosign in sign/attest, syft in sbom) read the same login.
    exportDockerConfig: (directory) => exportVariable('DOCKER_CONFIG', directory),
  });
  setOutputs(chartOutputs(report));
  await writeSummary(renderChartSummary(report, new Markdown()));
});
