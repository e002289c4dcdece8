import { code } from '@release-actions/core';
import { rekorUrl } from '@release-actions/cosign';
import type { CheckStatus } from '@release-actions/verify';
import { CHECK_NAMES, type CheckName } from '@release-actions/verify/inputs';
import type { JobResult, ReceiptInput } from './receipt-input.js';
import {
  digestOf,
  isDigest,
  isImageName,
  isPlatform,
  isTag,
  plain,
  rekorIndex,
  safeUrl,
} from './receipt-text.js';

/**
 * The release receipt of one run of the reusable workflow, derived from its jobs' results and
 * outputs: one row per artifact (the image or its index, each platform, the chart) with what was
 * made for it and what verified, the jobs in pipeline order, and one line on how the run ended.
 * Every text field is Markdown that is safe to show (see receipt-text.ts).
 */

/** The jobs of release.yml in pipeline order, and the edges of its diagram. */
export const PIPELINE = [
  'plan',
  'build',
  'push',
  'sbom',
  'scan',
  'sign',
  'provenance',
  'chart',
  'verify',
  'publish',
  'tag',
] as const;

export const PIPELINE_EDGES: readonly (readonly [string, string])[] = [
  ['plan', 'build'],
  ['build', 'push'],
  ['push', 'sbom'],
  ['sbom', 'scan'],
  ['scan', 'sign'],
  ['scan', 'provenance'],
  ['scan', 'chart'],
  ['sign', 'verify'],
  ['provenance', 'verify'],
  ['chart', 'verify'],
  ['verify', 'publish'],
  ['publish', 'tag'],
];

/** Most platform rows shown; an index with more gets one row saying how many were left out. */
export const MAX_PLATFORM_ROWS = 64;

export type ArtifactKind = 'image' | 'index' | 'platform' | 'chart';

export interface ReceiptRow {
  kind: ArtifactKind;
  artifact: string;
  digest: string;
  signature: string;
  spdx: string;
  cyclonedx: string;
  provenance: string;
  gate: string;
  verify: string;
}

export interface ReceiptJobState {
  id: string;
  result: JobResult;
  /** The scan (or chart) job failed because its gate blocked, not because something broke. */
  blocked: boolean;
}

export interface Receipt {
  /** How the run ended, one line of Markdown. */
  status: string;
  /** Image, release tag, release page: one line of Markdown, or empty. */
  subject: string;
  rows: ReceiptRow[];
  jobs: ReceiptJobState[];
  /** Outputs that could not be read (not the JSON their job writes): shown, never fatal. */
  problems: string[];
}

const PASS = '✅';
const FAIL = '❌';
const ERROR = '⚠️';
const NONE = '—';

interface CheckSeen {
  status: CheckStatus;
  logIndex?: number;
}

/** One verify report (the verify action's `report` output), by digest and check. */
type Verified = Map<string, Map<CheckName, CheckSeen>>;

/** digest → the public Rekor log indexes of what a job signed (or attested) on it. */
type Logged = Map<string, Set<string>>;

interface Made {
  signed: Logged;
  attested: Logged;
}

interface PlatformEntry {
  platform: string;
  digest: string;
  verdict?: string;
  blocking?: number;
}

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly needs: ReceiptInput) {}

  output(id: string, name: string): string | undefined {
    const value = this.needs[id]?.outputs[name];
    return value === undefined || value.trim() === '' ? undefined : value;
  }

  /** A JSON output; a malformed one is noted once and read as absent. */
  json(id: string, name: string): unknown {
    const text = this.output(id, name);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      this.problems.push(`The output ${code(`${id}.${name}`)} is not JSON; it is left out.`);
      return undefined;
    }
  }

  list(id: string, name: string): unknown[] | undefined {
    const value = this.json(id, name);
    if (value === undefined) return undefined;
    if (Array.isArray(value)) return value;
    this.problems.push(`The output ${code(`${id}.${name}`)} is not a JSON list; it is left out.`);
    return undefined;
  }
}

export function buildReceipt(needs: ReceiptInput): Receipt {
  const read = new Reader(needs);
  const jobs = jobStates(needs, read);
  const imageName = read.output('plan', 'name');
  const image = isImageName(imageName) ? imageName : undefined;
  const imageDigest = [read.output('sbom', 'digest'), read.output('push', 'digest')].find(isDigest);
  const platforms = platformEntries(read);
  const verified = verifiedChecks(read, 'report');
  const chartVerified = verifiedChecks(read, 'chart-report');
  const made = madeBy(read, 'sign');
  const chartMade = madeBy(read, 'chart');

  const missing = (job: string): string => {
    const result = needs[job]?.result;
    return result === undefined || result === 'success' ? NONE : `${NONE} (${job} ${result})`;
  };
  const provenanceMade = needs.provenance?.result === 'success';
  const imageCells = (digest: string, kind: ArtifactKind) => {
    const sbom = kind !== 'index';
    const provenance = kind !== 'platform';
    return {
      signature: checkCell(verified, digest, 'signature', made.signed, 'signed', missing('sign')),
      spdx: sbom
        ? checkCell(verified, digest, 'sbom-spdx', made.attested, 'attested', missing('sign'))
        : 'n/a',
      cyclonedx: sbom
        ? checkCell(verified, digest, 'sbom-cyclonedx', made.attested, 'attested', missing('sign'))
        : 'n/a',
      provenance: provenance
        ? checkCell(
            verified,
            digest,
            'provenance',
            provenanceMade ? new Map([[digest, new Set<string>()]]) : new Map(),
            'attested',
            missing('provenance'),
          )
        : 'n/a',
      verify: verifyCell(verified, digest, missing('verify')),
    };
  };

  const rows: ReceiptRow[] = [];
  const scanVerdict = read.output('scan', 'verdict');
  if (imageDigest === undefined) {
    rows.push({
      kind: 'image',
      artifact: image ? code(image) : 'image',
      digest: `${NONE} (not pushed)`,
      signature: missing('sign'),
      spdx: missing('sign'),
      cyclonedx: missing('sign'),
      provenance: missing('provenance'),
      gate: gateCell(scanVerdict, undefined, missing('scan')),
      verify: missing('verify'),
    });
  } else if (platforms.length === 0 || (platforms.length === 1 && platforms[0]!.digest === imageDigest)) {
    const only = platforms[0];
    rows.push({
      kind: 'image',
      artifact: `${image ? code(image) : 'image'}${only ? ` (${only.platform})` : ''}`,
      digest: code(imageDigest),
      ...imageCells(imageDigest, 'image'),
      gate: gateCell(only?.verdict ?? scanVerdict, only?.blocking, missing('scan')),
    });
  } else {
    rows.push({
      kind: 'index',
      artifact: `${image ? code(image) : 'image'} (index)`,
      digest: code(imageDigest),
      ...imageCells(imageDigest, 'index'),
      gate: gateCell(scanVerdict, undefined, missing('scan')),
    });
    for (const entry of platforms.slice(0, MAX_PLATFORM_ROWS)) {
      rows.push({
        kind: 'platform',
        artifact: entry.platform,
        digest: code(entry.digest),
        ...imageCells(entry.digest, 'platform'),
        gate: gateCell(entry.verdict, entry.blocking, missing('scan')),
      });
    }
    if (platforms.length > MAX_PLATFORM_ROWS) {
      const left = platforms.length - MAX_PLATFORM_ROWS;
      rows.push(
        blankRow('platform', `… ${left} more platform${left === 1 ? '' : 's'}, left out of this table`),
      );
    }
  }

  const chart = needs.chart;
  if (
    chart !== undefined &&
    (chart.result !== 'skipped' || read.output('plan', 'chart-registry') !== undefined)
  ) {
    rows.push(chartRow(read, chartVerified, chartMade, missing));
  }

  return {
    status: statusLine(needs, read, jobs, platforms),
    subject: subjectLine(read, image),
    rows,
    jobs,
    problems: read.problems,
  };
}

function blankRow(kind: ArtifactKind, artifact: string): ReceiptRow {
  return {
    kind,
    artifact,
    digest: '',
    signature: '',
    spdx: '',
    cyclonedx: '',
    provenance: '',
    gate: '',
    verify: '',
  };
}

function chartRow(
  read: Reader,
  verified: Verified,
  made: Made,
  missing: (job: string) => string,
): ReceiptRow {
  const name = read.output('chart', 'name');
  const version = read.output('chart', 'version');
  const label =
    name !== undefined && isTag(name)
      ? `chart ${code(`${name}${version && isTag(version) ? `:${version}` : ''}`)}`
      : 'chart';
  const digest = read.output('chart', 'digest');
  const gate = gateCell(read.output('chart', 'verdict'), undefined, missing('chart'));
  if (!isDigest(digest)) {
    return {
      kind: 'chart',
      artifact: label,
      digest: `${NONE} (not pushed)`,
      signature: missing('chart'),
      spdx: missing('chart'),
      cyclonedx: missing('chart'),
      provenance: 'n/a',
      gate,
      verify: missing('verify'),
    };
  }
  return {
    kind: 'chart',
    artifact: label,
    digest: code(digest),
    signature: checkCell(verified, digest, 'signature', made.signed, 'signed', missing('chart')),
    spdx: checkCell(verified, digest, 'sbom-spdx', made.attested, 'attested', missing('chart')),
    cyclonedx: checkCell(verified, digest, 'sbom-cyclonedx', made.attested, 'attested', missing('chart')),
    provenance: 'n/a',
    gate,
    verify: verifyCell(verified, digest, missing('verify')),
  };
}

function jobStates(needs: ReceiptInput, read: Reader): ReceiptJobState[] {
  const known = PIPELINE.filter((id) => needs[id] !== undefined);
  const others = Object.keys(needs).filter((id) => !(PIPELINE as readonly string[]).includes(id));
  return [...known, ...others].map((id) => {
    const result = needs[id]!.result;
    const gated = (id === 'scan' || id === 'chart') && read.output(id, 'verdict') === 'fail';
    return { id, result, blocked: result === 'failure' && gated };
  });
}

/** Each platform with its digest, from the gate's list (with verdicts), else from the SBOMs' list. */
function platformEntries(read: Reader): PlatformEntry[] {
  const fromScan = read.list('scan', 'platforms');
  const fromSbom = read.list('sbom', 'platforms');
  const verdicts = new Map<string, { verdict?: string; blocking?: number }>();
  for (const item of fromScan ?? []) {
    if (typeof item !== 'object' || item === null) continue;
    const { digest, verdict, blocking } = item as Record<string, unknown>;
    if (!isDigest(digest)) continue;
    verdicts.set(digest, {
      verdict: typeof verdict === 'string' ? verdict : undefined,
      blocking: typeof blocking === 'number' && Number.isSafeInteger(blocking) ? blocking : undefined,
    });
  }
  const entries: PlatformEntry[] = [];
  const seen = new Set<string>();
  for (const item of [...(fromSbom ?? []), ...(fromScan ?? [])]) {
    if (typeof item !== 'object' || item === null) continue;
    const { platform, digest } = item as Record<string, unknown>;
    if (!isDigest(digest) || seen.has(digest)) continue;
    seen.add(digest);
    entries.push({
      platform: isPlatform(platform) ? platform : plain(platform ?? 'unknown platform', 64),
      digest,
      ...verdicts.get(digest),
    });
  }
  return entries;
}

function verifiedChecks(read: Reader, output: string): Verified {
  const verified: Verified = new Map();
  const report = read.json('verify', output);
  if (report === undefined) return verified;
  const results = (report as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) {
    read.problems.push(`The output ${code(`verify.${output}`)} is not a verify report; it is left out.`);
    return verified;
  }
  for (const item of results) {
    if (typeof item !== 'object' || item === null) continue;
    const { check, subject, status, rekor } = item as Record<string, unknown>;
    const digest = digestOf(subject);
    if (digest === undefined) continue;
    if (!isCheckName(check)) continue;
    if (status !== 'passed' && status !== 'failed' && status !== 'error') continue;
    const logIndex = (rekor as { logIndex?: unknown } | undefined)?.logIndex;
    const checks = verified.get(digest) ?? new Map<CheckName, CheckSeen>();
    // A check made on the same digest twice keeps its worst outcome.
    const before = checks.get(check);
    if (before === undefined || rank(status) > rank(before.status)) {
      checks.set(check, {
        status,
        logIndex: typeof logIndex === 'number' && Number.isSafeInteger(logIndex) ? logIndex : undefined,
      });
    }
    verified.set(digest, checks);
  }
  return verified;
}

function isCheckName(value: unknown): value is CheckName {
  return (CHECK_NAMES as readonly unknown[]).includes(value);
}

function rank(status: CheckStatus): number {
  return status === 'passed' ? 0 : status === 'failed' ? 1 : 2;
}

/** What a job signed and attested: its lists of references and, in the same order, Rekor links. */
function madeBy(read: Reader, job: string): Made {
  const pairs = (refs: string, urls: string): Logged => {
    const map: Logged = new Map();
    const references = read.list(job, refs) ?? [];
    const links = read.list(job, urls) ?? [];
    references.forEach((reference, i) => {
      const digest = digestOf(reference);
      if (digest === undefined) return;
      const indexes = map.get(digest) ?? new Set<string>();
      const index = rekorIndex(links[i]);
      if (index !== undefined) indexes.add(index);
      map.set(digest, indexes);
    });
    return map;
  };
  return {
    signed: pairs('signatures', 'signature-rekor-urls'),
    attested: pairs('attestations', 'attestation-rekor-urls'),
  };
}

function rekorLink(index: string): string {
  return ` · Rekor [${index}](${rekorUrl(Number(index))})`;
}

/**
 * One check on one digest: what verify saw when it ran, else what the producing job made (not
 * verified), else why there is nothing.
 */
function checkCell(
  verified: Verified,
  digest: string,
  check: CheckName,
  made: Logged,
  verb: 'signed' | 'attested',
  missing: string,
): string {
  const seen = verified.get(digest)?.get(check);
  const logged = made.get(digest);
  if (seen !== undefined) {
    // Linked only when the producing job gave the same entry as a public search link: verify's
    // index alone may be of a private log.
    const index = seen.logIndex === undefined ? undefined : String(seen.logIndex);
    const rekor = index === undefined ? '' : logged?.has(index) ? rekorLink(index) : ` · Rekor ${index}`;
    if (seen.status === 'passed') return `${PASS} verified${rekor}`;
    return seen.status === 'failed' ? `${FAIL} failed verification` : `${ERROR} verification error`;
  }
  if (logged !== undefined) {
    // Which entry is which attestation is known only to verify; a signature has one.
    const only = logged.size === 1 && verb === 'signed' ? [...logged][0] : undefined;
    return `${verb}, not verified${only === undefined ? '' : rekorLink(only)}`;
  }
  return missing;
}

function verifyCell(verified: Verified, digest: string, missing: string): string {
  const checks = [...(verified.get(digest)?.values() ?? [])];
  if (checks.length === 0) return missing;
  if (checks.some((c) => c.status === 'error')) return `${ERROR} error`;
  const failed = checks.filter((c) => c.status === 'failed').length;
  if (failed > 0) return `${FAIL} ${failed} of ${checks.length} checks failed`;
  return `${PASS} ${checks.length} check${checks.length === 1 ? '' : 's'} passed`;
}

function gateCell(verdict: string | undefined, blocking: number | undefined, missing: string): string {
  if (verdict === 'pass') return `${PASS} pass`;
  if (verdict === 'fail') {
    return blocking === undefined
      ? `${FAIL} blocked`
      : `${FAIL} blocked (${blocking} finding${blocking === 1 ? '' : 's'} at or above the cutoff)`;
  }
  return missing;
}

function subjectLine(read: Reader, image: string | undefined): string {
  const parts: string[] = [];
  if (image) parts.push(`Image ${code(image)}`);
  const tag = read.output('plan', 'tag');
  if (isTag(tag)) parts.push(`release ${code(tag)}`);
  const url = safeUrl(read.output('publish', 'release-url'));
  if (url) parts.push(`[the GitHub Release](${url})`);
  return parts.join(' · ');
}

function statusLine(
  needs: ReceiptInput,
  read: Reader,
  jobs: readonly ReceiptJobState[],
  platforms: PlatformEntry[],
): string {
  const jobName = (id: string) => ((PIPELINE as readonly string[]).includes(id) ? code(id) : plain(id, 64));
  const failed = jobs.find((job) => job.result === 'failure');
  if (failed?.blocked && failed.id === 'scan') {
    const blockers = platforms.filter((p) => p.verdict === 'fail').map((p) => p.platform);
    const where = blockers.length > 0 ? ` on ${blockers.join(', ')}` : '';
    return `${FAIL} **Blocked by the vulnerability gate**${where}: nothing was signed, attested or published.`;
  }
  if (failed?.blocked && failed.id === 'chart') {
    return `${FAIL} **Blocked by the chart's vulnerability gate**: the chart was not pushed, and nothing was published.`;
  }
  if (failed !== undefined) {
    const after =
      needs.publish?.result === 'success' ? ', after the release was published.' : ': nothing was published.';
    return `${FAIL} **Failed** in the ${jobName(failed.id)} job${after}`;
  }
  const cancelled = jobs.find((job) => job.result === 'cancelled');
  if (cancelled !== undefined) return `⏹️ **Cancelled** in the ${jobName(cancelled.id)} job.`;
  if (needs.publish?.result === 'success') {
    const tag = read.output('plan', 'tag');
    const tagged =
      needs.tag?.result === 'success' && isTag(tag) ? `, and the image is tagged ${code(tag)}` : '';
    return `${PASS} **Released**: every artifact verified as a consumer verifies it${tagged}.`;
  }
  if (needs.publish === undefined && needs.verify?.result === 'success') {
    return `${PASS} **Verified**: every artifact verified as a consumer verifies it.`;
  }
  return `${NONE} **Not released**: the jobs that publish were skipped.`;
}
