import type { Scalar } from 'yaml';
import { referencesSecret } from './expressions.js';
import type { Job, Step } from './model.js';
import { asMap, asScalar, entries, rawText, scalarText, type Entry, type SourceFile } from './source.js';
import { isSlsaGenerator, ownAction, type UsesRef } from './uses.js';

/** GITHUB_TOKEN scopes GitHub accepts in `permissions:`. */
export const SCOPES = [
  'actions',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'discussions',
  'id-token',
  'issues',
  'models',
  'packages',
  'pages',
  'pull-requests',
  'repository-projects',
  'security-events',
  'statuses',
] as const;
export type Scope = (typeof SCOPES)[number];
export type Level = 'read' | 'write';

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** Levels each scope accepts: id-token has no read, models no write. */
export function acceptedLevels(scope: Scope): readonly string[] {
  if (scope === 'id-token') return ['write', 'none'];
  if (scope === 'models') return ['read', 'none'];
  return ['read', 'write', 'none'];
}

export type Needs = Partial<Record<Scope, Level>>;

export interface Grant {
  scope: string;
  level: string;
  key: Scalar;
  value: Scalar | undefined;
}

/** A `permissions:` value: the shorthand (`read-all`, `write-all`) or its scopes. */
export type Permissions =
  | { kind: 'shorthand'; value: string; node: Scalar }
  | { kind: 'scopes'; grants: Grant[] }
  | { kind: 'invalid' };

export function readPermissions(source: SourceFile, e: Entry): Permissions {
  const scalar = asScalar(source, e.value);
  if (scalar) {
    const value = scalarText(scalar) ?? '';
    return { kind: 'shorthand', value, node: scalar };
  }
  const map = asMap(source, e.value);
  if (!map) return { kind: 'invalid' };
  return {
    kind: 'scopes',
    grants: entries(source, map).map((g) => {
      const value = asScalar(source, g.value);
      return { scope: scalarText(g.key)!, level: scalarText(value) ?? '', key: g.key, value };
    }),
  };
}

export function grantsWrite(perms: Permissions, scopes?: readonly Scope[]): boolean {
  if (perms.kind === 'shorthand') return perms.value === 'write-all';
  if (perms.kind === 'scopes') {
    return perms.grants.some(
      (g) => g.level === 'write' && (!scopes || (scopes as readonly string[]).includes(g.scope)),
    );
  }
  return false;
}

/** What an action needs from the token; a step using an action not listed here cannot be inferred. */
const ACTION_NEEDS: Record<string, Needs> = {
  'actions/checkout': { contents: 'read' },
  'actions/setup-node': {},
  'actions/setup-go': {},
  'actions/setup-python': {},
  'actions/setup-java': {},
  'actions/cache': {},
  'actions/cache/restore': {},
  'actions/cache/save': {},
  'actions/upload-artifact': {},
  'actions/download-artifact': {},
  'actions/attest-build-provenance': { 'id-token': 'write', attestations: 'write' },
  'actions/attest-sbom': { 'id-token': 'write', attestations: 'write' },
  'actions/attest': { 'id-token': 'write', attestations: 'write' },
  'step-security/harden-runner': {},
  'github/codeql-action/upload-sarif': { 'security-events': 'write' },
  'github/codeql-action/init': { 'security-events': 'write', actions: 'read', contents: 'read' },
  'github/codeql-action/autobuild': {},
  'github/codeql-action/analyze': { 'security-events': 'write', actions: 'read', contents: 'read' },
  'sigstore/cosign-installer': {},
  'anchore/scan-action': {},
  'docker/setup-buildx-action': {},
  'docker/setup-qemu-action': {},
  'docker/metadata-action': {},
  'docker/build-push-action': {},
  'azure/setup-helm': {},
  'softprops/action-gh-release': { contents: 'write' },
};

/** Our own actions and reusable workflow. */
const OWN_NEEDS: Record<string, Needs> = {
  setup: {},
  sbom: { contents: 'read' },
  scan: { contents: 'read' },
  // Keyless signing needs the OIDC token; signatures and attestations are pushed beside the image.
  sign: { 'id-token': 'write', packages: 'write' },
  attest: { 'id-token': 'write', packages: 'write' },
  verify: { packages: 'read' },
  chart: { 'id-token': 'write', packages: 'write' },
  publish: { contents: 'write' },
  audit: { contents: 'read' },
  release: { contents: 'read', 'id-token': 'write', packages: 'write' },
  'release-workflow': {
    actions: 'read',
    attestations: 'write',
    contents: 'write',
    'id-token': 'write',
    packages: 'write',
    'security-events': 'write',
  },
};

/**
 * What each generator's own jobs declare: GitHub refuses to start a called workflow whose jobs ask
 * for more than the caller grants, even jobs that will be skipped. The container generator pushes
 * its attestation to the registry; the generic one's upload job can attach it to a release.
 */
const SLSA_NEEDS: Needs = { actions: 'read', 'id-token': 'write', packages: 'write' };
const SLSA_GENERIC_NEEDS: Needs = { actions: 'read', 'id-token': 'write', contents: 'write' };

export interface Inference {
  needs: Needs;
  /** Why the needs could not be inferred (a step we do not know); empty when they could. */
  unknown: string[];
}

function add(needs: Needs, more: Needs): void {
  for (const [scope, level] of Object.entries(more) as [Scope, Level][]) {
    if (needs[scope] !== 'write') needs[scope] = level;
  }
}

function refNeeds(ref: UsesRef, step: Step | undefined, source: SourceFile): Needs | undefined {
  if (isSlsaGenerator(ref)) {
    return ref.kind === 'remote' && ref.path.endsWith('/generator_generic_slsa3.yml')
      ? SLSA_GENERIC_NEEDS
      : SLSA_NEEDS;
  }
  const own = ownAction(ref);
  if (own) return OWN_NEEDS[own];
  if (ref.kind === 'docker') return handsToken(source, step) ? undefined : {};
  if (ref.kind !== 'remote') return undefined;
  if (ref.name === 'docker/login-action') {
    const registry = step?.with
      ? scalarText(
          asScalar(source, entries(source, step.with).find((e) => scalarText(e.key) === 'registry')?.value),
        )
      : undefined;
    return registry?.toLowerCase().startsWith('ghcr.io') ? { packages: 'write' } : {};
  }
  return ACTION_NEEDS[ref.name];
}

function handsToken(source: SourceFile, step: Step | undefined): boolean {
  if (!step) return false;
  for (const map of [step.with, step.env]) {
    for (const e of entries(source, map)) {
      const value = asScalar(source, e.value);
      const raw = value ? rawText(source, value)?.text : undefined;
      if (raw && /github\.token|secrets\.GITHUB_TOKEN/.test(raw)) return true;
    }
  }
  return false;
}

const PUSH =
  /\b(?:(?:docker|podman|helm|oras)\s+push|crane\s+(?:push|copy|cp)|skopeo\s+copy|cosign\s+(?:sign|attest|copy))\b/;

/** Token needs of a run: script, from the commands it calls. */
function scriptNeeds(script: string): Needs | undefined {
  const needs: Needs = {};
  const ghCommands = [...script.matchAll(/(?:^|[\s;&|(])gh\s+([a-z-]+)/g)].map((m) => m[1]);
  if (ghCommands.some((c) => c !== 'release')) return undefined;
  if (ghCommands.length > 0) add(needs, { contents: 'write' });
  if (/\bgit\s+push\b/.test(script)) add(needs, { contents: 'write' });
  if (/\bcosign\s+(sign|attest)(-blob)?\b/.test(script)) add(needs, { 'id-token': 'write' });
  // Pushing to ghcr.io needs packages: write; so may a push to a registry named by a variable.
  if (PUSH.test(script) && (/ghcr\.io/.test(script) || /\$(\{\{|\{?[A-Za-z_])/.test(script))) {
    add(needs, { packages: 'write' });
  }
  return needs;
}

/** What a job's token must allow, from its steps (or the reusable workflow it calls). */
export function inferJob(source: SourceFile, job: Job): Inference {
  const needs: Needs = {};
  const unknown: string[] = [];
  if (job.uses) {
    const n = refNeeds(job.uses.ref, undefined, source);
    if (n) add(needs, n);
    else unknown.push(`reusable workflow ${job.uses.value}`);
    return { needs, unknown };
  }
  for (const step of job.steps) {
    if (step.uses) {
      const n = refNeeds(step.uses.ref, step, source);
      if (n) add(needs, n);
      else unknown.push(step.uses.value);
    }
    if (step.run) {
      const script = scalarText(step.run) ?? '';
      const n = scriptNeeds(script);
      if (n) add(needs, n);
      else unknown.push(`the gh commands in step ${step.index + 1}`);
    }
  }
  return { needs, unknown };
}

/** The scopes that sign, publish or release when written: holding one makes a job privileged. */
export const RELEASE_SCOPES: readonly Scope[] = ['id-token', 'contents', 'packages'];

/** The permissions a job's token gets: its own block, else the workflow's; undefined when neither is written. */
export function effectivePermissions(
  source: SourceFile,
  job: Job,
  workflowPermissions: Permissions | undefined,
): Permissions | undefined {
  return job.permissions ? readPermissions(source, job.permissions) : workflowPermissions;
}

/** True when a job holds write access to id-token, contents or packages, or any secret. */
export function isPrivileged(
  source: SourceFile,
  job: Job,
  workflowPermissions: Permissions | undefined,
): boolean {
  const perms = effectivePermissions(source, job, workflowPermissions);
  // Without permissions the token gets the repository default, which may be write-all.
  if (!perms) return true;
  if (grantsWrite(perms, RELEASE_SCOPES)) return true;
  return job.scalars.some((s) => {
    const raw = rawText(source, s)?.text ?? '';
    return raw.includes('${{') && referencesSecret(raw.replace(/\$\{\{|\}\}/g, ' '));
  });
}
