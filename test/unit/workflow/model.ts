import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../../harness/run-bundle.js';

/**
 * The parts of a workflow, a composite action and docs/permissions.md the structural tests read,
 * and the checks themselves as functions returning one line per problem, so that each check can be
 * shown to fail on a workflow that breaks its rule.
 */

export type Permissions = Record<string, string>;

export interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  'continue-on-error'?: unknown;
}

export interface Job {
  needs?: string | string[];
  if?: string;
  permissions?: Permissions | string;
  steps?: Step[];
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: Record<string, unknown> | string;
  outputs?: Record<string, unknown>;
  'continue-on-error'?: unknown;
}

export interface Workflow {
  on?: unknown;
  permissions?: Permissions | string;
  jobs?: Record<string, Job>;
}

export const RELEASE_WORKFLOW = '.github/workflows/release.yml';
export const GATE_JOB = 'scan';
const SHA = /^[0-9a-f]{40}$/;
export const SLSA_GENERATOR =
  /^slsa-framework\/slsa-github-generator\/\.github\/workflows\/generator_[a-z0-9_]+_slsa3\.yml@v\d+\.\d+\.\d+$/;
/** Our actions, however they are referenced: `$/sign`, `./sign`, `aotanami/release-actions/sign@<sha>`. */
const OWN = /^(?:\$\/|\.\/|aotanami\/release-actions\/)([a-z][a-z0-9-]*)(?:@.*)?$/;

export function read(file: string): string {
  return readFileSync(path.join(repoRoot, file), 'utf8');
}

export function load<T>(file: string): T {
  return parse(read(file)) as T;
}

export function yamlFiles(dir: string): string[] {
  const full = path.join(repoRoot, dir);
  if (!existsSync(full)) return [];
  return readdirSync(full, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => path.relative(repoRoot, path.join(entry.parentPath, entry.name)))
    .sort();
}

/** Every workflow of this repository and every example caller. */
export function workflowFiles(): string[] {
  return [...yamlFiles('.github/workflows'), ...yamlFiles('examples')].filter((file) =>
    /^(on|jobs):/m.test(read(file)),
  );
}

export function ownAction(uses: string | undefined): string | undefined {
  return uses === undefined ? undefined : OWN.exec(uses)?.[1];
}

export function needsOf(job: Job): string[] {
  if (job.needs === undefined) return [];
  return Array.isArray(job.needs) ? job.needs : [job.needs];
}

/** Every job `id` depends on, directly or through other jobs. */
export function ancestors(workflow: Workflow, id: string): Set<string> {
  const jobs = workflow.jobs ?? {};
  const seen = new Set<string>();
  const queue = [...needsOf(jobs[id] ?? {})];
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...needsOf(jobs[next] ?? {}));
  }
  return seen;
}

/** A `permissions:` value as a map; `{}` and an absent value are both the empty map. */
export function permissionMap(value: Permissions | string | undefined): Permissions {
  if (value === undefined || value === null) return {};
  if (typeof value === 'string') return { '*': value };
  return Object.fromEntries(Object.entries(value).map(([scope, level]) => [scope, String(level)]));
}

/** Jobs that sign, attest or publish: our sign/attest/chart/publish actions, or the SLSA generator. */
export function releasingJobs(workflow: Workflow): string[] {
  return Object.entries(workflow.jobs ?? {})
    .filter(
      ([, job]) =>
        (job.uses !== undefined && SLSA_GENERATOR.test(job.uses)) ||
        (job.steps ?? []).some(
          (step) =>
            ['sign', 'attest', 'chart', 'publish'].includes(ownAction(step.uses) ?? '') ||
            // Putting the release tag on the image releases it as much as signing does.
            /"docker:\/\/\$IMAGE:\$TAG"/.test(step.run ?? ''),
        ),
    )
    .map(([id]) => id)
    .sort();
}

function condition(job: Job): string {
  return (job.if ?? '').replace(/\s+/g, ' ');
}

/**
 * The gate: `gate` runs our scan action with its failure on, and every job that signs, attests or
 * publishes needs it (directly or through other jobs) and, when it has an `if:`, requires in it that
 * the gate succeeded with the verdict pass (an `if:` replaces the implicit success() check).
 */
export function gateProblems(workflow: Workflow, gate = GATE_JOB): string[] {
  const problems: string[] = [];
  const jobs = workflow.jobs ?? {};
  const gateJob = jobs[gate];
  const scanSteps = (gateJob?.steps ?? []).filter((step) => ownAction(step.uses) === 'scan');
  if (!gateJob || scanSteps.length === 0) return [`job "${gate}" does not run the scan action`];
  if (gateJob['continue-on-error'] !== undefined) problems.push(`job "${gate}" has continue-on-error`);
  for (const step of scanSteps) {
    if (step['continue-on-error'] !== undefined)
      problems.push(`the scan step of "${gate}" has continue-on-error`);
    if (String(step.with?.['fail-build'] ?? 'true') !== 'true')
      problems.push(`the scan step of "${gate}" does not fail the build`);
    if (step.if !== undefined) problems.push(`the scan step of "${gate}" has a condition`);
  }
  for (const id of releasingJobs(workflow)) {
    if (!ancestors(workflow, id).has(gate))
      problems.push(`job "${id}" signs, attests or publishes without needing "${gate}"`);
    const text = condition(jobs[id]!);
    if (text === '') continue;
    if (/\balways\(\)/.test(text)) problems.push(`job "${id}" runs always()`);
    if (
      !text.includes(`needs.${gate}.result == 'success'`) ||
      !text.includes(`needs.${gate}.outputs.verdict == 'pass'`)
    ) {
      problems.push(`job "${id}" has an if: that does not require the gate's success and verdict pass`);
    }
  }
  return problems;
}

/** The permission table of docs/permissions.md (between its markers): job → scope → level. */
export function permissionTable(markdown: string): Map<string, Permissions> {
  const match = /<!-- permissions:start -->([\s\S]*?)<!-- permissions:end -->/.exec(markdown);
  if (!match) throw new Error('docs/permissions.md: no <!-- permissions:start --> … end markers');
  const rows = match[1]!
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((cell) => cell.trim()),
    );
  const [header, separator, ...body] = rows;
  if (!header || header[0] !== 'job' || header.at(-1) !== 'why' || !separator?.every((c) => /^-+$/.test(c))) {
    throw new Error('docs/permissions.md: the table must start with | job | <scopes…> | why |');
  }
  const scopes = header.slice(1, -1);
  const table = new Map<string, Permissions>();
  for (const row of body) {
    if (row.length !== header.length)
      throw new Error(`docs/permissions.md: row "${row[0]}" has ${row.length} cells`);
    const grants: Permissions = {};
    scopes.forEach((scope, index) => {
      const level = row[index + 1]!;
      if (level !== '') grants[scope] = level;
    });
    table.set(row[0]!, grants);
  }
  return table;
}

function describe(permissions: Permissions): string {
  const entries = Object.entries(permissions).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? '{}' : entries.map(([scope, level]) => `${scope}: ${level}`).join(', ');
}

/** Top level `permissions: {}`, and each job's permissions exactly its row of the table. */
export function permissionProblems(workflow: Workflow, table: Map<string, Permissions>): string[] {
  const problems: string[] = [];
  const top = permissionMap(workflow.permissions);
  if (workflow.permissions === undefined || Object.keys(top).length > 0) {
    problems.push(
      `top-level permissions are ${workflow.permissions === undefined ? 'missing' : describe(top)}, expected {}`,
    );
  }
  for (const [id, job] of Object.entries(workflow.jobs ?? {})) {
    const row = table.get(id);
    if (!row) {
      problems.push(`job "${id}" has no row in docs/permissions.md`);
      continue;
    }
    if (job.permissions === undefined) {
      problems.push(`job "${id}" has no permissions: of its own`);
      continue;
    }
    const actual = describe(permissionMap(job.permissions));
    if (actual !== describe(row))
      problems.push(`job "${id}" is granted ${actual}; docs/permissions.md says ${describe(row)}`);
  }
  for (const id of table.keys()) {
    if (!(id in (workflow.jobs ?? {})))
      problems.push(`docs/permissions.md lists job "${id}", which the workflow does not have`);
  }
  return problems;
}

function grantsWrite(job: Job): boolean {
  return Object.values(permissionMap(job.permissions)).some(
    (level) => level === 'write' || level === 'write-all',
  );
}

/**
 * harden-runner is the first step of every job with steps, with an explicit egress policy: block
 * with allowed-endpoints, or audit only in a job that holds no write scope and no secret.
 */
/**
 * Whether a job reads a secret other than the caller's build secrets handed to BuildKit: those
 * are for the Dockerfile, which runs in the one job whose egress cannot be listed.
 */
function secretsBeyondBuildSecrets(job: Job): boolean {
  const steps = (job.steps ?? []).map((step) => {
    if (!step.uses?.startsWith('docker/build-push-action@') || step.with?.secrets === undefined) return step;
    const { secrets, ...rest } = step.with;
    return secrets === '${{ secrets.build-secrets }}' ? { ...step, with: rest } : step;
  });
  return JSON.stringify({ ...job, steps }).includes('secrets.');
}

export function hardenRunnerProblems(workflow: Workflow): string[] {
  const problems: string[] = [];
  for (const [id, job] of Object.entries(workflow.jobs ?? {})) {
    if (job.steps === undefined) continue;
    const first = job.steps[0];
    if (!first?.uses?.startsWith('step-security/harden-runner@')) {
      problems.push(`job "${id}": step 1 is not step-security/harden-runner`);
      continue;
    }
    const policy = first.with?.['egress-policy'];
    if (policy === 'block') {
      if (first.with?.['allowed-endpoints'] === undefined)
        problems.push(`job "${id}": egress blocked without allowed-endpoints`);
    } else if (policy === 'audit') {
      if (grantsWrite(job) || secretsBeyondBuildSecrets(job)) {
        problems.push(`job "${id}": egress only audited in a job with write access or secrets`);
      }
    } else {
      problems.push(`job "${id}": harden-runner without egress-policy block or audit`);
    }
  }
  return problems;
}

/** Every `actions/checkout` step sets persist-credentials: false. */
export function checkoutProblems(workflow: Workflow): string[] {
  const problems: string[] = [];
  for (const [id, job] of Object.entries(workflow.jobs ?? {})) {
    (job.steps ?? []).forEach((step, index) => {
      if (
        step.uses?.startsWith('actions/checkout@') &&
        String(step.with?.['persist-credentials']) !== 'false'
      ) {
        problems.push(`job "${id}" step ${index + 1}: actions/checkout without persist-credentials: false`);
      }
    });
  }
  return problems;
}

/** A `uses:` line: reference and the comment after it. */
export interface UsesLine {
  line: number;
  ref: string;
  comment: string | undefined;
}

export function usesLines(text: string): UsesLine[] {
  const out: UsesLine[] = [];
  text.split('\n').forEach((line, index) => {
    const match = /^\s*(?:-\s+)?uses:\s*(['"]?)([^\s'"#]+)\1\s*(?:#\s*(.*))?$/.exec(line);
    if (match) out.push({ line: index + 1, ref: match[2]!, comment: match[3]?.trim() });
  });
  return out;
}

/**
 * Every `uses:` is our own action by `$/`, a full 40-hex commit SHA, or the SLSA generator by its
 * full tag. A third-party SHA carries its release as `# vX.Y.Z`, and that release is the one the
 * upstream repository tags at that SHA (`pins`: action → { sha, tag }, read from upstream).
 */
export function pinProblems(
  file: string,
  text: string,
  pins: Record<string, { sha: string; tag: string }>,
): string[] {
  const problems: string[] = [];
  for (const { line, ref, comment } of usesLines(text)) {
    const at = `${file}:${line}`;
    if (ref.startsWith('$/') || ref.startsWith('./')) continue;
    if (SLSA_GENERATOR.test(ref)) continue;
    const [name, version] = [ref.slice(0, ref.lastIndexOf('@')), ref.slice(ref.lastIndexOf('@') + 1)];
    if (SLSA_GENERATOR.test(`${name}@v0.0.0`)) {
      problems.push(`${at}: ${ref}: the SLSA generator verifies its own tag; reference it by vX.Y.Z`);
      continue;
    }
    if (!SHA.test(version ?? '')) {
      problems.push(`${at}: ${ref} is not pinned to a full commit SHA`);
      continue;
    }
    if (name.startsWith('aotanami/release-actions')) continue;
    const pin = pins[name];
    if (!pin) {
      problems.push(`${at}: ${name} is not in test/fixtures/workflow/pins.json`);
      continue;
    }
    if (pin.sha !== version)
      problems.push(`${at}: ${name} pinned to ${version}, elsewhere to ${pin.sha} (${pin.tag})`);
    else if (comment?.split(/\s+/)[0] !== pin.tag)
      problems.push(`${at}: ${name}@${version} is ${pin.tag}, the comment says "${comment ?? ''}"`);
  }
  return problems;
}
