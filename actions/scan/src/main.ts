import { InputError, PolicyError } from '@release-actions/errors';
import {
  actionLogger,
  checkPath,
  Markdown,
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
import {
  catalogueSize,
  dbBuiltOf,
  DEFAULT_MAX_IGNORE_DAYS,
  DISPLAY_ORDER,
  grypeVersionOf,
  headline,
  judge,
  loadPolicy,
  MAX_IGNORE_DAYS_LIMIT,
  renderSummary,
  scan,
  SEVERITIES,
  writeSarif,
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

await runAction(async () => {
  const logger = actionLogger;
  const scanned = source(
    readString('image'),
    readPath('sbom', { mustExist: 'file' }),
    readPath('path', { mustExist: 'directory' }),
  );
  const severityCutoff = readEnum('severity-cutoff', SEVERITIES, { default: 'high' });
  const onlyFixed = readBoolean('only-fixed', { default: false });
  const unknownFails = readBoolean('unknown-fails', { default: false });
  const failBuild = readBoolean('fail-build', { default: true });
  const cacheDb = readBoolean('cache-db', { default: true });
  const ignoreFile = readPath('ignore-file', { mustExist: 'file' });
  const maxIgnoreDays = readInteger('max-ignore-days', {
    default: DEFAULT_MAX_IGNORE_DAYS,
    min: 1,
    max: MAX_IGNORE_DAYS_LIMIT,
  });
  const vexFiles = readList('vex').map((file) => checkPath('vex', file, { mustExist: 'file' }));
  const category = readString('category');
  const temp = process.env.RUNNER_TEMP || process.cwd();
  // One directory per scanned thing, so several scan steps of one job keep their files apart.
  const tag = createHash('sha256').update(`${scanned.kind}:${scanned.value}`).digest('hex').slice(0, 12);
  const outputDir = readPath('output-dir') ?? path.join(temp, `scan-${tag}`);

  const policy = await loadPolicy({
    severityCutoff,
    onlyFixed,
    unknownFails,
    ignoreFile,
    vexFiles,
    maxIgnoreDays,
  });
  const packages = await catalogueSize(scanned);
  const outcome = await scan({
    source: scanned,
    outputDir,
    table: true,
    cacheDb,
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
