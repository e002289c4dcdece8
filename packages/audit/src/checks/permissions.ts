import type { Scalar } from 'yaml';
import type { Job, Workflow } from '../model.js';
import { acceptedLevels, inferJob, isScope, readPermissions, type Permissions } from '../permissions.js';
import type { CheckContext, RuleFamily } from './context.js';

/** PERM001 and PERM002 at workflow level; PERM004 for its values. */
function checkWorkflowPermissions(ctx: CheckContext, workflow: Workflow): void {
  if (!workflow.permissions) {
    ctx.report(
      'PERM001',
      workflow.root,
      'The workflow has no top-level permissions:; jobs without their own get the repository default.',
    );
    return;
  }
  const perms = readPermissions(ctx.source, workflow.permissions);
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

/** PERM003 for write access none of the job's steps uses; PERM004 for its values. */
function checkJobPermissions(ctx: CheckContext, job: Job): void {
  if (!job.permissions) return;
  const jobPerms = readPermissions(ctx.source, job.permissions);
  checkPermissionValues(ctx, jobPerms, job.permissions.key);
  const inference = inferJob(ctx.source, job);
  if (inference.unknown.length > 0) return;
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

/** PERM001–PERM004: the token's scopes, at workflow level and per job. */
export const permissions: RuleFamily = {
  rules: ['PERM001', 'PERM002', 'PERM003', 'PERM004'],
  workflow(ctx: CheckContext, workflow: Workflow): void {
    checkWorkflowPermissions(ctx, workflow);
    for (const job of workflow.jobs) checkJobPermissions(ctx, job);
  },
};
