import { isMap } from 'yaml';
import type { Job, Step, Workflow } from './model.js';
import { effectivePermissions, RELEASE_SCOPES, type Permissions } from './permissions.js';
import { asMap, asScalar, asSeq, deref, entries, entry, scalarText, type SourceFile } from './source.js';
import { isAction, isSlsaGenerator, ownAction } from './uses.js';

/** Our actions that sign, attest or publish what they are given. */
const RELEASE_ACTIONS = new Set(['sign', 'attest', 'publish', 'chart', 'release', 'release-workflow']);

/** Our actions that sign or attest (and nothing else a reader might mistake for publishing). */
const SIGNING_ACTIONS = new Set(['sign', 'attest', 'chart', 'release']);

const ATTEST_ACTION = /^actions\/attest(-build-provenance|-sbom)?$/;
const SIGNING_COMMAND = /\bcosign\s+(sign|attest)(-blob)?\b/;
const PUBLISHING_COMMAND = /\bgh\s+release\s+(create|upload)|\b(docker|helm|oras)\s+push\b/;

/** A step that signs or attests: our sign / attest / chart / root action, actions/attest*, `cosign sign|attest`. */
export function signingStep(step: Step): boolean {
  if (step.uses) {
    const ref = step.uses.ref;
    const own = ownAction(ref);
    if (own && SIGNING_ACTIONS.has(own)) return true;
    if (ref.kind === 'remote' && ATTEST_ACTION.test(ref.name)) return true;
  }
  return SIGNING_COMMAND.test(scalarText(step.run) ?? '');
}

/** A step that signs, attests or publishes a release. */
export function releaseStep(step: Step): boolean {
  if (signingStep(step)) return true;
  if (step.uses) {
    const ref = step.uses.ref;
    const own = ownAction(ref);
    if (own && RELEASE_ACTIONS.has(own)) return true;
    if (isSlsaGenerator(ref)) return true;
    if (isAction(ref, 'softprops/action-gh-release')) return true;
  }
  return PUBLISHING_COMMAND.test(scalarText(step.run) ?? '');
}

/** What a step is, in a message: its action without the ref, or the script's step number. */
export function stepName(step: Step): string {
  return step.uses ? step.uses.value.split('@')[0]! : `the run: of step ${step.index + 1}`;
}

/** The reason steps make a release job, if they do. */
export function releaseStepReason(steps: readonly Step[]): string | undefined {
  const step = steps.find(releaseStep);
  return step ? `it signs, attests or publishes (${stepName(step)})` : undefined;
}

function releaseGrants(perms: Permissions | undefined): string[] {
  if (!perms) return [];
  if (perms.kind === 'shorthand') return perms.value === 'write-all' ? ['write-all'] : [];
  if (perms.kind !== 'scopes') return [];
  return perms.grants
    .filter((g) => g.level === 'write' && (RELEASE_SCOPES as readonly string[]).includes(g.scope))
    .map((g) => `${g.scope}: write`);
}

/** Release events of a workflow's `on:`: pushes of tags (`on.push.tags`) and `release`. */
export function releaseTriggers(source: SourceFile, workflow: Workflow): string[] {
  if (!workflow.on) return [];
  const on = deref(source, workflow.on.value);
  const names = new Set<string>();
  const scalar = scalarText(asScalar(source, on));
  if (scalar) names.add(scalar);
  for (const item of asSeq(source, on)?.items ?? []) {
    const name = scalarText(asScalar(source, item));
    if (name) names.add(name);
  }
  const out: string[] = [];
  if (isMap(on)) {
    for (const e of entries(source, on)) names.add(scalarText(e.key)!);
    // A bare `push` runs on tags too, but it is how every CI starts: only a tag filter says "release".
    if (entry(source, asMap(source, entry(source, on, 'push')?.value), 'tags')) out.push('tag pushes');
  }
  if (names.has('release')) out.push('release events');
  return out;
}

/**
 * Why a job counts as a release job, one phrase per reason; empty when it does not. A job without
 * any `permissions:` in effect is not counted for its token: PERM001 already reports that.
 */
export function releaseReasons(
  source: SourceFile,
  job: Job,
  workflowPermissions: Permissions | undefined,
  triggers: readonly string[],
): string[] {
  const reasons: string[] = [];
  const byStep = releaseStepReason(job.steps);
  if (byStep) reasons.push(byStep);
  const grants = releaseGrants(effectivePermissions(source, job, workflowPermissions));
  if (grants.length > 0) reasons.push(`its token is granted ${grants.join(', ')}`);
  if (triggers.length > 0) reasons.push(`the workflow runs on ${triggers.join(' and ')}`);
  return reasons;
}
