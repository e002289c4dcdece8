import type { Model } from '../model.js';
import { caching } from './caching.js';
import type { CheckContext, RuleFamily } from './context.js';
import { credentials } from './credentials.js';
import { hardenRunner } from './harden-runner.js';
import { injection } from './injection.js';
import { permissions } from './permissions.js';
import { pinning } from './pinning.js';
import { triggers } from './triggers.js';

/**
 * Every per-file rule family, in the order of rules.ts. PIN004 (pins across files) and META001
 * (suppression comments) are judged after all files are read, by the audit itself.
 */
export const RULE_FAMILIES: readonly RuleFamily[] = [
  pinning,
  hardenRunner,
  credentials,
  permissions,
  triggers,
  injection,
  caching,
];

/** Runs the families on one workflow or action model. */
export function runFamilies(ctx: CheckContext, model: Exclude<Model, { kind: 'other' }>): void {
  for (const family of RULE_FAMILIES) {
    if (model.kind === 'workflow') family.workflow?.(ctx, model);
    else family.action?.(ctx, model);
  }
}
