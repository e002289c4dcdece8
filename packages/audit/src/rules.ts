import type { Severity } from './severity.js';

/** The rule catalogue. Ids and default severities are part of the interface (suppressions, config, SARIF). */
export interface Rule {
  id: RuleId;
  /** PascalCase name, used as SARIF's rule name. */
  name: string;
  severity: Severity;
  /** What the rule finds, one sentence. */
  summary: string;
  /** How to fix a finding, one or two sentences. */
  fix: string;
}

export const RULE_IDS = [
  'PIN001',
  'PIN002',
  'PIN003',
  'PIN004',
  'PIN006',
  'PIN009',
  'HR001',
  'HR002',
  'HR003',
  'HR004',
  'CRED001',
  'CRED002',
  'CRED003',
  'PERM001',
  'PERM002',
  'PERM003',
  'PERM004',
  'TRIG001',
  'INJ001',
  'CACHE001',
  'META001',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export function isRuleId(value: unknown): value is RuleId {
  return typeof value === 'string' && (RULE_IDS as readonly string[]).includes(value);
}

const list: Rule[] = [
  {
    id: 'PIN001',
    name: 'UnpinnedUses',
    severity: 'high',
    summary: '`uses:` (step or reusable workflow) not pinned to a full 40-hex commit SHA.',
    fix: 'Pin to the commit SHA of a release and keep the version in a comment: `uses: owner/repo@<40-hex sha> # vX.Y.Z`.',
  },
  {
    id: 'PIN002',
    name: 'PinWithoutVersionComment',
    severity: 'medium',
    summary:
      'SHA-pinned `uses:` without a version comment, so reviewers and update tools cannot tell which release it is.',
    fix: 'Add the release the SHA belongs to as a comment on the same line: `# vX.Y.Z`.',
  },
  {
    id: 'PIN003',
    name: 'PinCommentNotFullVersion',
    severity: 'low',
    summary: 'The version comment after a SHA is not a full version (`# v4`, `# main`).',
    fix: 'Write the exact release tag the SHA points to, e.g. `# v4.2.2`.',
  },
  {
    id: 'PIN004',
    name: 'InconsistentPins',
    severity: 'high',
    summary:
      'The same action and version pinned to different SHAs across the audited files, or one SHA with different version comments.',
    fix: 'Use one SHA per action release everywhere and make its version comment match the tag that SHA was released as.',
  },
  {
    id: 'PIN006',
    name: 'SlsaGeneratorNotTagged',
    severity: 'high',
    summary:
      'The SLSA generator is referenced by something other than a full `vX.Y.Z` tag; it verifies its own tag and refuses SHAs and branches.',
    fix: 'Reference it as `slsa-framework/slsa-github-generator/.github/workflows/generator_<kind>_slsa3.yml@vX.Y.Z`.',
  },
  {
    id: 'PIN009',
    name: 'UnpinnedImage',
    severity: 'medium',
    summary:
      'A container image without an `@sha256:` digest: `docker://`, `container:`, `services:`, `runs.image`, `docker|podman run|create|pull` in `run:`, or the image input of a well-known action.',
    fix: 'Reference the image by digest: `name:tag@sha256:<64 hex>`.',
  },
  {
    id: 'HR001',
    name: 'NoHardenRunner',
    severity: 'high',
    summary:
      'Job without `step-security/harden-runner` (high when the job holds id-token, contents or packages write, or secrets).',
    fix: 'Add `step-security/harden-runner` as the first step, with `egress-policy: block` and the endpoints the job needs.',
  },
  {
    id: 'HR002',
    name: 'HardenRunnerNotFirst',
    severity: 'medium',
    summary: '`step-security/harden-runner` is not the first step, so the steps before it run unmonitored.',
    fix: 'Move the harden-runner step to the top of the job.',
  },
  {
    id: 'HR003',
    name: 'HardenRunnerEgressPolicy',
    severity: 'medium',
    summary:
      'harden-runner without an explicit `egress-policy`, or `egress-policy: audit` in a privileged job.',
    fix: 'Set `egress-policy: block` with `allowed-endpoints:` listing what the job reaches.',
  },
  {
    id: 'HR004',
    name: 'HardenRunnerSudoInSigningJob',
    severity: 'low',
    summary:
      'A job that only reads and signs (no write scope but `id-token` / `attestations`) keeps sudo and containers: harden-runner without `disable-sudo-and-containers: true`.',
    fix: 'Add `disable-sudo-and-containers: true` to the harden-runner step (`disable-sudo` alone leaves the docker group).',
  },
  {
    id: 'CRED001',
    name: 'PersistedCredentials',
    severity: 'high',
    summary:
      '`actions/checkout` without `persist-credentials: false` leaves the token in .git/config for every later step.',
    fix: 'Add `with: persist-credentials: false` to the checkout step (release-actions audit --fix does it).',
  },
  {
    id: 'CRED002',
    name: 'SecretsInherit',
    severity: 'medium',
    summary: '`secrets: inherit` hands every secret of the caller to the called workflow.',
    fix: 'Pass only the secrets the called workflow declares: `secrets: { NAME: ${{ secrets.NAME }} }`.',
  },
  {
    id: 'CRED003',
    name: 'SecretInRunScript',
    severity: 'medium',
    summary:
      '`${{ secrets.* }}` expanded directly inside a `run:` script, where it becomes part of the script text.',
    fix: 'Pass the secret through the step `env:` and use the variable in the script (release-actions audit --fix does it).',
  },
  {
    id: 'PERM001',
    name: 'NoTopLevelPermissions',
    severity: 'high',
    summary:
      'No top-level `permissions:`, so every job without its own gets the repository default token scopes.',
    fix: 'Add `permissions: {}` at the top and grant each job what it uses (release-actions audit --fix infers it).',
  },
  {
    id: 'PERM002',
    name: 'WorkflowLevelWrite',
    severity: 'high',
    summary: 'Write access granted at workflow level reaches every job.',
    fix: 'Keep the top level at `permissions: {}` (or read) and grant write scopes in the jobs that need them.',
  },
  {
    id: 'PERM003',
    name: 'ExcessiveJobPermissions',
    severity: 'medium',
    summary:
      'A job is granted write access that none of its steps uses (inferred from the actions and commands it calls).',
    fix: 'Remove the scope, or lower it to what the steps need.',
  },
  {
    id: 'PERM004',
    name: 'UnknownPermission',
    severity: 'high',
    summary:
      'Unknown permission scope or level; GitHub rejects the workflow or the grant is not what was meant.',
    fix: 'Use a known scope (contents, packages, id-token, ...) with read, write or none.',
  },
  {
    id: 'TRIG001',
    name: 'DangerousTrigger',
    severity: 'high',
    summary:
      '`pull_request_target` / `workflow_run` run with the base repository secrets on changes from forks (critical when the PR head is checked out).',
    fix: 'Use `pull_request`; if you must keep the trigger, never check out or run the PR head in that workflow.',
  },
  {
    id: 'INJ001',
    name: 'TemplateInjection',
    severity: 'high',
    summary:
      "Text someone else chose expanded with `${{ }}` inside `run:` or `actions/github-script`'s `script:`: untrusted event fields (titles, bodies, head refs, ...), text inputs (medium), and the step outputs, job outputs, env and matrix values that carry them.",
    fix: 'Pass the value through `env:` (`env: TITLE: ${{ github.event.issue.title }}`) and read the variable in the script: "$TITLE" in `run:`, `process.env.TITLE` in `actions/github-script`.',
  },
  {
    id: 'CACHE001',
    name: 'CacheInReleaseJob',
    severity: 'high',
    summary:
      'A cache is restored (by actions/cache or by an action that caches on its own) in a release job: one that signs, attests or publishes, holds id-token, packages or contents write, or runs on tag pushes or releases. A poisoned cache entry can end up in the release.',
    fix: 'Drop the cache from release jobs, or build in a separate job and pass artifacts by digest.',
  },
  {
    id: 'META001',
    name: 'UnjustifiedSuppression',
    severity: 'low',
    summary:
      'A suppression comment without a reason or naming an unknown rule (it does not suppress anything), or one that covers a line where the rule finds nothing (stale).',
    fix: 'Write why the finding does not apply: `# release-actions: ignore[RULE] <reason>`; remove a stale suppression.',
  },
];

export const RULES: ReadonlyMap<RuleId, Rule> = new Map(list.map((rule) => [rule.id, rule]));

export function rule(id: RuleId): Rule {
  return RULES.get(id)!;
}
