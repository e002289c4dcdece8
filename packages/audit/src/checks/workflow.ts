import { isMap, type Scalar } from 'yaml';
import { expressionsIn, referencesSecret, untrustedContext } from '../expressions.js';
import { withText, type Action, type Job, type Step, type Workflow } from '../model.js';
import {
  acceptedLevels,
  inferJob,
  isPrivileged,
  isScope,
  readPermissions,
  type Permissions,
} from '../permissions.js';
import { asScalar, asSeq, deref, entries, entry, position, scalarText } from '../source.js';
import { isAction, isSlsaGenerator, ownAction } from '../uses.js';
import type { CheckContext } from './context.js';

const HARDEN_RUNNER = 'step-security/harden-runner';

function isHardenRunner(step: Step): boolean {
  return step.uses !== undefined && isAction(step.uses.ref, HARDEN_RUNNER);
}

/** HR001–HR003. Jobs calling a reusable workflow or running in a container are out of harden-runner's reach. */
function checkHardenRunner(ctx: CheckContext, job: Job, workflowPerms: Permissions | undefined): void {
  if (job.uses || job.container) return;
  const privileged = isPrivileged(ctx.source, job, workflowPerms);
  const index = job.steps.findIndex(isHardenRunner);
  if (index < 0) {
    ctx.report(
      'HR001',
      job.key,
      `Job "${job.id}" does not start with step-security/harden-runner${privileged ? ' and holds write access or secrets' : ''}.`,
      privileged ? 'high' : 'medium',
    );
    return;
  }
  const step = job.steps[index]!;
  if (index > 0) {
    ctx.report(
      'HR002',
      step.uses!.node,
      `harden-runner is step ${index + 1} of job "${job.id}"; it must be the first.`,
    );
  }
  const policy = entry(ctx.source, step.with, 'egress-policy');
  const value = scalarText(asScalar(ctx.source, policy?.value));
  if (!policy || value === undefined) {
    ctx.report('HR003', step.uses!.node, `harden-runner in job "${job.id}" has no explicit egress-policy.`);
  } else if (value === 'audit' && privileged) {
    ctx.report(
      'HR003',
      deref(ctx.source, policy.value),
      `Job "${job.id}" holds write access or secrets but harden-runner only audits egress.`,
    );
  }
}

function isFalse(value: string | undefined): boolean {
  return value === 'false';
}

/** CRED001 for checkout steps; CRED003 and INJ001 for run scripts and github-script. */
function checkSteps(ctx: CheckContext, steps: Step[]): void {
  for (const step of steps) {
    if (step.uses && isAction(step.uses.ref, 'actions/checkout')) {
      if (!isFalse(withText(ctx.source, step, 'persist-credentials'))) {
        ctx.report(
          'CRED001',
          step.uses.node,
          'actions/checkout persists the token in .git/config (no persist-credentials: false).',
        );
      }
    }
    if (step.run) checkScript(ctx, step.run, 'run:', true);
    if (step.uses && isAction(step.uses.ref, 'actions/github-script')) {
      const script = asScalar(ctx.source, entry(ctx.source, step.with, 'script')?.value);
      if (script) checkScript(ctx, script, 'actions/github-script', false);
    }
  }
}

function checkScript(ctx: CheckContext, script: Scalar, where: string, secrets: boolean): void {
  for (const expression of expressionsIn(ctx.source, script)) {
    const untrusted = untrustedContext(expression.body);
    if (untrusted) {
      ctx.report(
        'INJ001',
        expression.position,
        `${untrusted} is set by whoever opens the event and is expanded into ${where}.`,
      );
    }
    if (secrets && referencesSecret(expression.body)) {
      ctx.report('CRED003', expression.position, `${expression.text} is expanded into the run: script text.`);
    }
  }
}

/** PERM001, PERM002, PERM004 at workflow level; PERM003 and PERM004 per job. */
function checkPermissions(ctx: CheckContext, workflow: Workflow): Permissions | undefined {
  let perms: Permissions | undefined;
  if (!workflow.permissions) {
    ctx.report(
      'PERM001',
      workflow.root,
      'The workflow has no top-level permissions:; jobs without their own get the repository default.',
    );
  } else {
    perms = readPermissions(ctx.source, workflow.permissions);
    checkPermissionValues(ctx, perms, workflow.permissions.key);
    if (perms.kind === 'shorthand' && perms.value === 'write-all') {
      ctx.report(
        'PERM002',
        perms.node,
        'write-all at workflow level gives every job write access to everything.',
      );
    } else if (perms.kind === 'scopes') {
      for (const grant of perms.grants) {
        if (grant.level === 'write') {
          ctx.report(
            'PERM002',
            grant.value ?? grant.key,
            `${grant.scope}: write at workflow level reaches every job.`,
          );
        }
      }
    }
  }
  for (const job of workflow.jobs) {
    if (!job.permissions) continue;
    const jobPerms = readPermissions(ctx.source, job.permissions);
    checkPermissionValues(ctx, jobPerms, job.permissions.key);
    const inference = inferJob(ctx.source, job);
    if (inference.unknown.length > 0) continue;
    const used = Object.entries(inference.needs)
      .map(([scope, level]) => `${scope}: ${level}`)
      .join(', ');
    const uses = used === '' ? 'nothing' : used;
    if (jobPerms.kind === 'shorthand' && jobPerms.value === 'write-all') {
      ctx.report('PERM003', jobPerms.node, `Job "${job.id}" is granted write-all; its steps use ${uses}.`);
    } else if (jobPerms.kind === 'scopes') {
      for (const grant of jobPerms.grants) {
        if (grant.level !== 'write' || !isScope(grant.scope)) continue;
        if (inference.needs[grant.scope] === 'write') continue;
        ctx.report(
          'PERM003',
          grant.value ?? grant.key,
          `Job "${job.id}" is granted ${grant.scope}: write; its steps use ${uses}.`,
        );
      }
    }
  }
  return perms;
}

function checkPermissionValues(ctx: CheckContext, perms: Permissions, key: Scalar): void {
  if (perms.kind === 'invalid') {
    ctx.report('PERM004', key, 'permissions: must be read-all, write-all, {} or a map of scope: level.');
  } else if (perms.kind === 'shorthand') {
    if (!['read-all', 'write-all'].includes(perms.value)) {
      ctx.report(
        'PERM004',
        perms.node,
        `"${perms.value}" is not a permissions shorthand; use read-all, write-all or {}.`,
      );
    }
  } else {
    for (const grant of perms.grants) {
      if (!isScope(grant.scope)) {
        ctx.report('PERM004', grant.key, `"${grant.scope}" is not a GITHUB_TOKEN permission scope.`);
      } else if (!acceptedLevels(grant.scope).includes(grant.level)) {
        ctx.report(
          'PERM004',
          grant.value ?? grant.key,
          `"${grant.level}" is not a level of ${grant.scope}; use ${acceptedLevels(grant.scope).join(', ')}.`,
        );
      }
    }
  }
}

const HEAD_CHECKOUT =
  /github\.event\.pull_request\.head\.|github\.head_ref|github\.event\.workflow_run\.head_|refs\/pull\//;

/** The first step that checks out the pull request head, if any. */
function headCheckout(ctx: CheckContext, workflow: Workflow): Step | undefined {
  for (const job of workflow.jobs) {
    for (const step of job.steps) {
      if (step.uses && isAction(step.uses.ref, 'actions/checkout')) {
        const ref = withText(ctx.source, step, 'ref') ?? '';
        const repository = withText(ctx.source, step, 'repository') ?? '';
        if (HEAD_CHECKOUT.test(ref) || /github\.event\.pull_request\.head\.repo/.test(repository))
          return step;
      }
      const script = scalarText(step.run);
      if (
        script &&
        (/\bgh\s+pr\s+checkout\b/.test(script) || /git\s+(fetch|checkout)\b.*(refs\/)?pull\//.test(script))
      ) {
        return step;
      }
    }
  }
  return undefined;
}

function checkTriggers(ctx: CheckContext, workflow: Workflow): void {
  if (!workflow.on) return;
  const source = ctx.source;
  const triggers: Scalar[] = [];
  const on = deref(source, workflow.on.value);
  const scalar = asScalar(source, on);
  if (scalar) triggers.push(scalar);
  for (const item of asSeq(source, on)?.items ?? []) {
    const s = asScalar(source, item);
    if (s) triggers.push(s);
  }
  if (isMap(on)) for (const e of entries(source, on)) triggers.push(e.key);
  const dangerous = triggers.filter((t) =>
    ['pull_request_target', 'workflow_run'].includes(scalarText(t) ?? ''),
  );
  if (dangerous.length === 0) return;
  const head = headCheckout(ctx, workflow);
  for (const trigger of dangerous) {
    const name = scalarText(trigger);
    if (head) {
      const at = position(source, head.uses?.node ?? head.run ?? head.node);
      ctx.report(
        'TRIG001',
        trigger,
        `${name} runs with this repository's secrets and the step at line ${at.line} checks out the untrusted head commit.`,
        'critical',
      );
    } else {
      ctx.report(
        'TRIG001',
        trigger,
        `${name} runs with this repository's secrets and token on events from forks.`,
      );
    }
  }
}

/** Steps that restore a cache: actions/cache(/restore), setup-* with cache:, build-push-action cache-from. */
function cacheStep(ctx: CheckContext, step: Step): boolean {
  if (!step.uses) return false;
  const ref = step.uses.ref;
  if (isAction(ref, 'actions/cache') || isAction(ref, 'actions/cache/restore')) return true;
  if (ref.kind === 'remote' && /^actions\/setup-/.test(ref.name)) {
    const cache = withText(ctx.source, step, 'cache');
    return cache !== undefined && cache !== '' && cache !== 'false';
  }
  if (isAction(ref, 'docker/build-push-action')) {
    return (withText(ctx.source, step, 'cache-from') ?? '') !== '';
  }
  return false;
}

const RELEASE_ACTIONS = new Set(['sign', 'attest', 'publish', 'chart', 'release', 'release-workflow']);

function releaseStep(step: Step): boolean {
  if (step.uses) {
    const ref = step.uses.ref;
    const own = ownAction(ref);
    if (own && RELEASE_ACTIONS.has(own)) return true;
    if (isSlsaGenerator(ref)) return true;
    if (ref.kind === 'remote' && /^actions\/attest(-build-provenance|-sbom)?$/.test(ref.name)) return true;
    if (ref.kind === 'remote' && ref.name === 'softprops/action-gh-release') return true;
  }
  const script = scalarText(step.run) ?? '';
  return /\bcosign\s+(sign|attest)|\bgh\s+release\s+(create|upload)|\b(docker|helm|oras)\s+push\b/.test(
    script,
  );
}

function checkCache(ctx: CheckContext, steps: Step[], owner: string): void {
  if (!steps.some(releaseStep)) return;
  for (const step of steps) {
    if (cacheStep(ctx, step)) {
      ctx.report(
        'CACHE001',
        step.uses!.node,
        `${owner} signs, attests or publishes and restores a cache (${step.uses!.value.split('@')[0]}).`,
      );
    }
  }
}

function checkSecretsInherit(ctx: CheckContext, job: Job): void {
  const value = asScalar(ctx.source, job.secrets?.value);
  if (value && scalarText(value) === 'inherit') {
    ctx.report(
      'CRED002',
      value,
      `Job "${job.id}" passes every secret to ${job.uses?.value ?? 'the called workflow'}.`,
    );
  }
}

export function checkWorkflow(ctx: CheckContext, workflow: Workflow): void {
  const perms = checkPermissions(ctx, workflow);
  checkTriggers(ctx, workflow);
  for (const job of workflow.jobs) {
    checkHardenRunner(ctx, job, perms);
    checkSteps(ctx, job.steps);
    checkSecretsInherit(ctx, job);
    checkCache(ctx, job.steps, `Job "${job.id}"`);
  }
}

export function checkAction(ctx: CheckContext, action: Action): void {
  checkSteps(ctx, action.steps);
  checkCache(ctx, action.steps, 'This action');
}
