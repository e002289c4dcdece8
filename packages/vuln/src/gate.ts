import { InputError, type Logger, type Verdict } from '@release-actions/core';
import { parseReference } from '@release-actions/oci';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { catalogueSize } from './catalogue.js';
import { categorySource, imageCategory } from './category.js';
import type { VulnErrorCode } from './errors.js';
import type { GrypeReport } from './grype-report.js';
import type { GrypeVersion } from './grype.js';
import type { IgnoreRule } from './ignore.js';
import type { Policy } from './policy.js';
import {
  overallHeadline,
  platformCategory,
  platformSlug,
  resolveTargets,
  type GateTarget,
  type JudgedTarget,
} from './platforms.js';
import { grypeVersionOf, readGivenReport } from './report.js';
import { exportOpenVex, OPENVEX_FILE, openVexText, type SkippedRule } from './openvex-export.js';
import { judge, loadPolicy, scanEach, writeSarif, type PolicyInput, type ScanEachOptions } from './scan.js';
import { defaultOutputDir, planScan, type ScanPlan, type ScanSubject } from './selection.js';
import { headline } from './text-report.js';

/**
 * The vulnerability gate as both front ends run it: what to scan (see `planScan`), the policy,
 * where the files go; then every target scanned with one grype database, judged on its own, its
 * SARIF written, and one verdict over all of them.
 */
export interface GateRequest extends ScanSubject, Omit<ScanEachOptions, 'targets' | 'dbDir'> {
  policy: PolicyInput;
  /**
   * The code scanning category; by default from the target (see category.ts). With several
   * platforms each SARIF file's is `<category>/<os>-<arch>[-<variant>]`.
   */
  category?: string;
  /** When false, a blocked gate is a warning: the verdict's message and the summary say so. */
  failBuild?: boolean;
  /**
   * grype.json and grype.sarif; with several platforms `<os>-<arch>/grype.json` and
   * `sarif/grype-<os>-<arch>.sarif`. By default a directory per scanned thing under `tempDir`.
   */
  outputDir?: string;
  /**
   * The runner's temporary directory: the default output directory goes under it, and grype's
   * database (`grype-db`, which the Actions cache keeps). Without it, the system's temporary
   * directory and grype's own database location.
   */
  tempDir?: string;
  /** The workspace: a directory's default category is its path relative to it. */
  workspace?: string;
  /**
   * The `author` of the OpenVEX document of the ignore rules (openvex.json); default the image's
   * registry/repository.
   */
  vexAuthor?: string;
}

/** The ignore rules that applied, as the OpenVEX document written beside the reports. */
export interface OpenVexOutput {
  file: string;
  statements: number;
  /** Rules left out of the document, each with why. */
  skipped: SkippedRule[];
}

export interface ScanResult {
  /** What was judged: the image (index) whose platforms were scanned, else the target given. */
  subject: string;
  /** A verdict per platform was asked for (a platforms manifest or a platform selection). */
  byPlatform: boolean;
  /** One per target, in the order of the manifest or the index. */
  results: JudgedTarget[];
  /** Blocked when any target fails the policy; the message is the line for the log and the failure. */
  verdict: Verdict<VulnErrorCode>;
  /** The SARIF file (one target) or the directory of one file per platform (several). */
  sarif: string;
  /** grype's JSON report (one target) or the directory of the per-platform directories (several). */
  json: string;
  failBuild: boolean;
  /**
   * Written when ignore rules were given and an image was judged (an image source, its
   * platforms, or the sbom step's manifest of an image).
   */
  openvex?: OpenVexOutput;
}

interface Outcome {
  report: GrypeReport;
  jsonFile: string;
  version?: GrypeVersion;
}

async function targetsOf(
  plan: ScanPlan,
  logger: Logger,
): Promise<{ subject: string; targets: GateTarget[] }> {
  switch (plan.kind) {
    case 'source':
      return { subject: plan.source.value, targets: [{ platform: '', digest: '', source: plan.source }] };
    case 'report':
      return { subject: plan.report, targets: [{ platform: '', digest: '' }] };
    case 'manifest':
      return resolveTargets({ manifestFile: plan.manifest });
    case 'platforms':
      return resolveTargets({ image: plan.image, selection: plan.selection, logger });
  }
}

/** Each target's directory for grype.json: the output directory itself, or one per platform. */
function targetDirs(targets: readonly GateTarget[], outputDir: string): string[] {
  if (targets.length === 0) throw new InputError('Nothing to scan: no platform was given.');
  if (targets.length === 1) return [outputDir];
  const slugs = new Set<string>();
  return targets.map((target) => {
    const slug = platformSlug(target);
    if (slugs.has(slug))
      throw new InputError(`Two platforms are both named ${slug}; each platform is scanned once.`);
    slugs.add(slug);
    return path.join(outputDir, slug);
  });
}

/** Rules that matched nothing on any target: candidates for removal. */
function unusedEverywhere(results: readonly JudgedTarget[]): IgnoreRule[] {
  const [first, ...rest] = results.map((r) => r.evaluation.unusedRules);
  return (first ?? []).filter((rule) => rest.every((unused) => unused.includes(rule)));
}

/** The verdict over every target: blocked when any fails; its message is the line for the log and the failure. */
function verdictOf(
  results: readonly JudgedTarget[],
  subject: string,
  failBuild: boolean,
): Verdict<VulnErrorCode> {
  const blocked = results.some((r) => r.evaluation.verdict !== 'pass');
  return {
    outcome: blocked ? 'blocked' : 'passed',
    code: 'SCAN_BLOCKED',
    message:
      results.length > 1
        ? overallHeadline(results, subject, failBuild)
        : headline(results[0]!.evaluation, failBuild),
  };
}

interface JudgeOptions {
  policy: Policy;
  /** The category as given or derived for the whole scan; with several targets each gets its own under it. */
  category: string | undefined;
  several: boolean;
  outputDir: string;
  workspace?: string;
  now?: Date;
  logger: Logger;
}

/** Judges one target's report and writes its SARIF (grype.sarif, or sarif/grype-<platform>.sarif of several). */
async function judgeTarget(
  target: GateTarget,
  outcome: Outcome,
  packages: number | undefined,
  options: JudgeOptions,
): Promise<JudgedTarget> {
  const { category, several } = options;
  const { evaluation, sarif } = judge(outcome.report, options.policy, {
    category: several && category !== undefined ? platformCategory(category, target) : category,
    source: categorySource(target.source, options.workspace),
    now: options.now,
    packages,
  });
  const sarifFile = several
    ? path.join(options.outputDir, 'sarif', `grype-${platformSlug(target)}.sarif`)
    : path.join(options.outputDir, 'grype.sarif');
  await writeSarif(sarifFile, sarif);
  const label = target.platform || target.digest;
  if (sarif.trimmed) options.logger.notice(label ? `${label}: ${sarif.trimmed}` : sarif.trimmed);
  return {
    target,
    evaluation,
    sarif,
    sarifFile,
    jsonFile: outcome.jsonFile,
    report: outcome.report,
    grypeVersion: grypeVersionOf(outcome.report) ?? outcome.version?.version,
  };
}

export async function gate(request: GateRequest): Promise<ScanResult> {
  const { logger } = request;
  const plan = planScan(request);
  const policy = await loadPolicy({ now: request.now, ...request.policy });
  const { subject, targets } = await targetsOf(plan, logger);
  const byPlatform = plan.kind === 'manifest' || plan.kind === 'platforms';
  const several = targets.length > 1;
  const outputDir = request.outputDir ?? defaultOutputDir(request.tempDir ?? os.tmpdir(), plan, subject);
  const dirs = targetDirs(targets, outputDir);
  // Counted before grype runs: an SBOM the gate cannot read stops the scan, and an empty one fails its target.
  const packages: (number | undefined)[] = [];
  for (const target of targets) {
    packages.push(target.packages ?? (target.source ? await catalogueSize(target.source) : undefined));
  }
  if (plan.kind === 'report') logger.info(`scan: reading the grype report ${plan.report}`);
  const outcomes: Outcome[] =
    plan.kind === 'report'
      ? [{ report: await readGivenReport(plan.report), jsonFile: plan.report }]
      : await scanEach({
          ...request,
          ...(request.tempDir !== undefined ? { dbDir: path.join(request.tempDir, 'grype-db') } : {}),
          targets: targets.map((target, i) => ({
            source: target.source!,
            outputDir: dirs[i]!,
            ...(target.platform ? { platform: target.platform } : {}),
          })),
        });

  const judgeOptions: JudgeOptions = {
    policy,
    category: byPlatform ? (request.category ?? imageCategory(subject)) : request.category,
    several,
    outputDir,
    workspace: request.workspace,
    now: request.now,
    logger,
  };
  logger.info(`scan: judging ${targets.length} report(s) against the policy (cutoff ${policy.cutoff})`);
  const results: JudgedTarget[] = [];
  for (const [i, target] of targets.entries()) {
    results.push(await judgeTarget(target, outcomes[i]!, packages[i], judgeOptions));
  }
  for (const rule of unusedEverywhere(results)) {
    logger.notice(
      `Ignore rule ${rule.index} (${rule.id}) of ${rule.file} matched nothing; remove it if it is no longer needed.`,
    );
  }

  const failBuild = request.failBuild ?? true;
  const first = results[0]!;
  const openvex = await writeOpenVex(plan, subject, results, outputDir, request);
  return {
    subject,
    byPlatform,
    results,
    verdict: verdictOf(results, subject, failBuild),
    sarif: several ? path.join(outputDir, 'sarif') : first.sarifFile,
    json: several ? outputDir : first.jsonFile,
    failBuild,
    ...(openvex !== undefined ? { openvex } : {}),
  };
}

/** A rule file as the repository names it: relative to the workspace, else its base name. */
function inside(workspace: string, file: string): string {
  const relative = path.relative(workspace, file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative)
    ? path.basename(file)
    : relative.split(path.sep).join('/');
}

/**
 * openvex.json in the output directory, when ignore rules were given and what was judged is an
 * image (an image source, its platforms, or the sbom step's manifest, whose subject is the image).
 * Every rule left out is named in the log; a document that cannot name the image is a warning:
 * the verdict stands, and the release carries no VEX rather than one about the wrong thing.
 */
async function writeOpenVex(
  plan: ScanPlan,
  subject: string,
  results: readonly JudgedTarget[],
  outputDir: string,
  request: GateRequest,
): Promise<OpenVexOutput | undefined> {
  const rules = results[0]?.evaluation.policy.ignoreRules ?? [];
  const image =
    plan.kind === 'manifest' ||
    plan.kind === 'platforms' ||
    (plan.kind === 'source' && plan.source.kind === 'image');
  if (rules.length === 0 || !image) return undefined;
  const { logger } = request;
  let reference: { registry: string; repository: string };
  try {
    reference = parseReference(subject);
  } catch (error) {
    logger.warning(`No ${OPENVEX_FILE}: ${(error as Error).message}`);
    return undefined;
  }
  const exported = exportOpenVex({
    subject,
    results,
    rules,
    author: request.vexAuthor?.trim() || `${reference.registry}/${reference.repository}`,
    now: request.now ?? new Date(),
    ...(request.workspace !== undefined
      ? { ruleFile: (file: string) => inside(request.workspace!, file) }
      : {}),
  });
  if ('problem' in exported) {
    logger.warning(`No ${OPENVEX_FILE}: ${exported.problem}.`);
    return undefined;
  }
  for (const { rule, reason } of exported.skipped) {
    logger.notice(
      `Ignore rule ${rule.index} (${rule.id}) of ${rule.file} is not in ${OPENVEX_FILE}: ${reason}.`,
    );
  }
  const file = path.join(outputDir, OPENVEX_FILE);
  await mkdir(outputDir, { recursive: true });
  await writeFile(file, openVexText(exported.document));
  const statements = exported.document.statements.length;
  logger.info(`scan: ${OPENVEX_FILE}: ${statements} statement(s) not_affected, from the ignore rules`);
  return { file, statements, skipped: exported.skipped };
}
