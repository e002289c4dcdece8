import { enforceVerdict, Markdown } from '@release-actions/core';
import {
  actionLogger,
  checkPath,
  readBoolean,
  readEnum,
  readInteger,
  readList,
  readPath,
  readString,
  runAction,
  runnerTemp,
  setOutputs,
  workspace,
  writeSummary,
} from '@release-actions/kit';
import { loadActionsCache } from '@release-actions/kit/actions-cache';
import {
  checkScanFiles,
  DEFAULT_MAX_IGNORE_DAYS,
  MAX_IGNORE_DAYS_LIMIT,
  planScan,
  SEVERITIES,
} from '@release-actions/vuln/inputs';
import type { GateRequest } from '@release-actions/vuln';
import { sourceOrOlder } from '@release-actions/sbom/inputs';

/** `source` in the syntax sbom shares (docs/sources.md), or the older inputs image, sbom, path. */
function readSource() {
  const older = {
    image: readString('image'),
    sbom: readPath('sbom', { mustExist: 'file' }),
    path: readPath('path', { mustExist: 'directory' }),
  };
  return sourceOrOlder('scan', readString('source'), older, {
    // Under RUNNER_TEMP too: where the sbom step writes its files by default.
    resolvePath: (value) => checkPath('source', value, { alsoInside: [runnerTemp()] }),
    warn: (message) => actionLogger.warning(message),
  });
}

await runAction(async () => {
  const logger = actionLogger;
  const failBuild = readBoolean('fail-build', { default: true });
  const request: GateRequest = {
    ...readSource(),
    sbomManifest: readPath('sbom-manifest', { mustExist: 'file' }),
    platforms: readString('platforms'),
    policy: {
      severityCutoff: readEnum('severity-cutoff', SEVERITIES, { default: 'high' }),
      onlyFixed: readBoolean('only-fixed', { default: false }),
      unknownFails: readBoolean('unknown-fails', { default: false }),
      allowEmptySbom: readBoolean('allow-empty-sbom', { default: false }),
      ignoreFile: readPath('ignore-file', { mustExist: 'file' }),
      vexFiles: readList('vex').map((file) => checkPath('vex', file, { mustExist: 'file' })),
      maxIgnoreDays: readInteger('max-ignore-days', {
        default: DEFAULT_MAX_IGNORE_DAYS,
        min: 1,
        max: MAX_IGNORE_DAYS_LIMIT,
      }),
    },
    category: readString('category'),
    failBuild,
    outputDir: readPath('output-dir'),
    tempDir: runnerTemp(),
    workspace: workspace(),
    table: true,
    cacheDb: readBoolean('cache-db', { default: false }),
    vexAuthor: readString('vex-author', { default: process.env.GITHUB_REPOSITORY ?? '' }),
    loadCache: loadActionsCache,
    logger,
  };
  // Nothing (or two things) to scan, or a file that cannot be read, fails here, before the scanner loads.
  planScan(request);
  checkScanFiles(request);
  const { gate, renderScanSummary, scanOutputs } = await import('@release-actions/vuln');
  const result = await gate(request);
  setOutputs(scanOutputs(result));
  await writeSummary(renderScanSummary(result, new Markdown()));

  const { verdict } = result;
  if (verdict.outcome === 'passed') logger.info(verdict.message);
  else if (!failBuild) {
    logger.warning(verdict.message);
    return 'blocked';
  }
  enforceVerdict(verdict);
});
