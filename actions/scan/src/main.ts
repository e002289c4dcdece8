import { InputError, PolicyError, Markdown } from '@release-actions/core';
import {
  actionLogger,
  loadActionsCache,
  checkPath,
  readBoolean,
  readEnum,
  readInteger,
  readList,
  readPath,
  readString,
  runAction,
  setOutput,
  writeSummary,
} from '@release-actions/kit';
import { parsePlatformSelection } from '@release-actions/sbom';
import {
  catalogueSize,
  dbBuiltOf,
  DEFAULT_MAX_IGNORE_DAYS,
  DISPLAY_ORDER,
  gatePlatforms,
  grypeVersionOf,
  headline,
  imageCategory,
  judge,
  loadPolicy,
  MAX_IGNORE_DAYS_LIMIT,
  overallHeadline,
  platformsJson,
  renderPlatformsSummary,
  renderSummary,
  scan,
  SEVERITIES,
  summedCounts,
  resolveTargets,
  writeSarif,
  type PlatformTarget,
  type Policy,
  type ScanSource,
} from '@release-actions/vuln';
import { createHash } from 'node:crypto';
import path from 'node:path';

function source(image?: string, sbom?: string, directory?: string): ScanSource {
  const given: ScanSource[] = [];
  if (image !== undefined) given.push({ kind: 'image', value: image });
  if (sbom !== undefined) given.push({ kind: 'sbom', value: sbom });
  if (directory !== undefined) given.push({ kind: 'path', value: directory });
  if (given.length !== 1) {
    const names = given.map((g) => g.kind).join(' and ');
    throw new InputError(
      `Give exactly one of the inputs 'image', 'sbom' or 'path' to scan${given.length > 1 ? ` (got ${names})` : ''}.`,
    );
  }
  return given[0]!;
}

interface Common {
  policy: Policy;
  failBuild: boolean;
  cacheDb: boolean;
  category?: string;
  temp: string;
  outputDir?: string;
}

/**
 * Several platforms: each scanned and judged on its own (its own SBOM, or its own digest), the
 * overall verdict failing when any platform fails.
 */
async function gateEach(subject: string, targets: PlatformTarget[], common: Common): Promise<void> {
  const logger = actionLogger;
  const tag = createHash('sha256').update(`platforms:${subject}`).digest('hex').slice(0, 12);
  const gate = await gatePlatforms({
    targets,
    policy: common.policy,
    category: common.category ?? imageCategory(subject),
    outputDir: common.outputDir ?? path.join(common.temp, `scan-${tag}`),
    table: true,
    cacheDb: common.cacheDb,
    loadCache: loadActionsCache,
    dbDir: path.join(common.temp, 'grype-db'),
    logger,
  });
  const several = gate.results.length > 1;
  const sums = summedCounts(gate.results);
  setOutput('verdict', gate.verdict);
  setOutput('blocking', sums.blocking);
  for (const severity of DISPLAY_ORDER) setOutput(severity, sums.after[severity]);
  setOutput('counts', { before: sums.before, after: sums.after });
  setOutput('json', gate.json);
  setOutput('sarif', gate.sarif);
  // Several SARIF files carry one category each (automationDetails.id); upload-sarif must not override them.
  setOutput('category', several ? '' : (gate.results[0]?.sarif.category ?? ''));
  setOutput('platforms', platformsJson(gate.results));

  const first = gate.results[0]!;
  const summary = new Markdown();
  const context = {
    failBuild: common.failBuild,
    grypeVersion: grypeVersionOf(first.report),
    dbBuilt: dbBuiltOf(first.report),
  };
  if (several) renderPlatformsSummary(summary, gate, subject, context);
  else renderSummary(summary, first.evaluation, context);
  await writeSummary(summary);

  const line = several
    ? overallHeadline(gate.results, subject, common.failBuild)
    : headline(first.evaluation, common.failBuild);
  if (gate.verdict === 'pass') logger.info(line);
  else if (common.failBuild) throw new PolicyError(line);
  else logger.warning(line);
}

await runAction(async () => {
  const logger = actionLogger;
  const manifestFile = readPath('sbom-manifest', { mustExist: 'file' });
  const platformsInput = readString('platforms');
  const image = readString('image');
  const sbomFile = readPath('sbom', { mustExist: 'file' });
  const directory = readPath('path', { mustExist: 'directory' });
  if (manifestFile !== undefined && (image ?? sbomFile ?? directory) !== undefined) {
    throw new InputError(
      "Input 'sbom-manifest' names what to scan; give it without 'image', 'sbom' or 'path'.",
    );
  }
  const platforms = platformsInput === undefined ? undefined : parsePlatformSelection(platformsInput);
  if (
    platforms !== undefined &&
    image === undefined &&
    !(manifestFile !== undefined && platforms === 'all')
  ) {
    throw new InputError(
      "Input 'platforms' applies to an 'image' read from the registry (with 'sbom-manifest', every platform of the manifest is scanned).",
    );
  }
  const severityCutoff = readEnum('severity-cutoff', SEVERITIES, { default: 'high' });
  const onlyFixed = readBoolean('only-fixed', { default: false });
  const unknownFails = readBoolean('unknown-fails', { default: false });
  const failBuild = readBoolean('fail-build', { default: true });
  const cacheDb = readBoolean('cache-db', { default: false });
  const allowEmptySbom = readBoolean('allow-empty-sbom', { default: false });
  const ignoreFile = readPath('ignore-file', { mustExist: 'file' });
  const maxIgnoreDays = readInteger('max-ignore-days', {
    default: DEFAULT_MAX_IGNORE_DAYS,
    min: 1,
    max: MAX_IGNORE_DAYS_LIMIT,
  });
  const vexFiles = readList('vex').map((file) => checkPath('vex', file, { mustExist: 'file' }));
  const category = readString('category');
  const temp = process.env.RUNNER_TEMP || process.cwd();
  const outputDirInput = readPath('output-dir');

  const policy = await loadPolicy({
    severityCutoff,
    onlyFixed,
    unknownFails,
    ignoreFile,
    vexFiles,
    maxIgnoreDays,
    allowEmptySbom,
  });
  if (manifestFile !== undefined || platforms !== undefined) {
    const { subject, targets } = await resolveTargets({
      manifestFile,
      image,
      selection: platforms,
      logger,
    });
    await gateEach(subject, targets, {
      policy,
      failBuild,
      cacheDb,
      category,
      temp,
      outputDir: outputDirInput,
    });
    return;
  }
  const scanned = source(image, sbomFile, directory);
  // One directory per scanned thing, so several scan steps of one job keep their files apart.
  const tag = createHash('sha256').update(`${scanned.kind}:${scanned.value}`).digest('hex').slice(0, 12);
  const outputDir = outputDirInput ?? path.join(temp, `scan-${tag}`);

  const packages = await catalogueSize(scanned);
  const outcome = await scan({
    source: scanned,
    outputDir,
    table: true,
    cacheDb,
    loadCache: loadActionsCache,
    dbDir: path.join(temp, 'grype-db'),
    logger,
  });
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const categorySource =
    scanned.kind === 'path' ? { kind: 'path', value: path.relative(workspace, scanned.value) } : scanned;
  const { evaluation, sarif } = judge(outcome.report, policy, {
    category,
    source: categorySource as ScanSource,
    packages,
  });
  const sarifFile = path.join(outputDir, 'grype.sarif');
  await writeSarif(sarifFile, sarif);
  if (sarif.trimmed) logger.notice(sarif.trimmed);

  setOutput('verdict', evaluation.verdict);
  setOutput('blocking', evaluation.blocking);
  for (const severity of DISPLAY_ORDER) setOutput(severity, evaluation.after[severity]);
  setOutput('counts', { before: evaluation.before, after: evaluation.after });
  setOutput('json', outcome.jsonFile);
  setOutput('sarif', sarifFile);
  setOutput('category', sarif.category);

  const summary = new Markdown();
  renderSummary(summary, evaluation, {
    failBuild,
    grypeVersion: grypeVersionOf(outcome.report) ?? outcome.version?.version,
    dbBuilt: dbBuiltOf(outcome.report),
  });
  await writeSummary(summary);

  for (const rule of evaluation.unusedRules) {
    logger.notice(
      `Ignore rule ${rule.index} (${rule.id}) of ${rule.file} matched nothing; remove it if it is no longer needed.`,
    );
  }
  const line = headline(evaluation, failBuild);
  if (evaluation.verdict === 'pass') logger.info(line);
  else if (failBuild) throw new PolicyError(line);
  else logger.warning(line);
});
