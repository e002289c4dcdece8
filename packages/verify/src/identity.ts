import { InputError, mention } from '@release-actions/core';

/**
 * The identity a keyless signature must carry, built so it cannot be accidentally loose.
 *
 * The regular expressions are anchored (^…$) and every literal character is escaped, so
 * `aotanami/aotanami` never accepts `aotanami/aotanami-evil` and `github.com` never accepts
 * `githubXcom`. They use only syntax that Go's RE2 (cosign) and JavaScript agree on.
 *
 * Two refs are in play and they are kept apart. A signature made inside our reusable workflow has
 * *our* workflow and *our* ref in its SAN (the tag or the 40-hex commit the caller pinned); what a
 * consumer trusts is the *publisher's* run, which the certificate names in its other claims: the
 * source repository (1.3.6.1.4.1.57264.1.12, legacy 1.5), the publisher's ref (1.14, legacy 1.6),
 * the trigger (1.20, legacy 1.2) and the commit of our workflow that ran (1.10).
 */

export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';
export const OUR_REUSABLE_WORKFLOW = 'aotanami/release-actions/.github/workflows/release.yml';
/** The publisher's ref a release is made from: a v-tag. */
export const DEFAULT_SOURCE_REF_PATTERN = 'refs/tags/v*';
/** Our own releases: a v-tag of aotanami/release-actions (or any full commit, see below). */
export const DEFAULT_WORKFLOW_REF_PATTERN = 'refs/tags/v*';

export type Signer = 'reusable-workflow' | 'workflow';

export interface IdentityOptions {
  /** owner/repo that published the release (bound through the certificate's source repository claim). */
  repository: string;
  signer: Signer;
  /** For signer=workflow: the publisher's workflow file, e.g. `.github/workflows/release.yml`. */
  workflow?: string;
  /** Glob over the publisher's ref (1.14): `*` matches any run of characters except `@` and whitespace. */
  sourceRefPattern?: string;
  /** The publisher's exact ref (e.g. refs/tags/v1.2.3): must match sourceRefPattern; cosign checks it as is. */
  sourceRef?: string;
  /** signer=reusable-workflow: glob over our workflow's tag in the SAN; any 40-hex commit is accepted too. */
  workflowRefPattern?: string;
  /** signer=reusable-workflow: the one commit of our workflow to accept (SAN @<commit> or a tag, and 1.10). */
  workflowCommit?: string;
  /** The event that started the publisher's run (1.20), e.g. push. */
  trigger?: string;
  issuer?: string;
  /** Expert override of the SAN pattern; must be anchored and escaped unless allowUnanchored. */
  identityRegexp?: string;
  allowUnanchored?: boolean;
  /** The retired `ref-pattern` input, refused with the names of its successors. */
  refPattern?: string;
  serverUrl?: string;
}

export interface IdentityPolicy {
  signer: Signer;
  identityRegexp: string;
  issuer: string;
  /** The source repository claim (1.12 as owner/repo, or legacy 1.5) must equal this. */
  repository: string;
  /** Glob the publisher's ref must match. */
  sourceRefPattern: string;
  /** The same glob as an anchored regular expression. */
  sourceRefRegexp: string;
  sourceRef?: string;
  trigger?: string;
  workflowCommit?: string;
  /** Set when the user opted into an unanchored regexp: shown as a warning in every report. */
  warning?: string;
  /** Human description: "release.yml of aotanami/release-actions at refs/tags/v* or a commit, for aotanami/aotanami at refs/tags/v*". */
  description: string;
}

const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const WORKFLOW_FILE = /^\.github\/workflows\/[A-Za-z0-9._-]+\.ya?ml$/;
const REF_GLOB = /^refs\/(?:tags|heads)\/[A-Za-z0-9._/*+-]+$/;
const EXACT_REF = /^refs\/(?:tags|heads)\/[A-Za-z0-9._/+-]+$/;
const COMMIT = /^[0-9a-f]{40}$/;
const TRIGGER = /^[a-z_]{1,64}$/;

/** Escapes every character that has a meaning in RE2 or JavaScript regular expressions. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, (c) => (c === '/' || c === '-' ? c : `\\${c}`));
}

export function globToRegExp(glob: string): string {
  return glob.split('*').map(escapeRegExp).join('[^@\\s]*');
}

/** Whether `ref` matches the glob `pattern` (anchored, `*` stops at `@` and whitespace). */
export function refMatches(pattern: string, ref: string): boolean {
  return new RegExp(`^${globToRegExp(pattern)}$`).test(ref);
}

export function checkRepository(repository: string): string {
  if (!REPOSITORY.test(repository)) {
    throw new InputError(`"${repository}" is not an owner/repo name (e.g. aotanami/aotanami).`, {
      input: 'repository',
    });
  }
  return repository;
}

/**
 * An expert override is accepted only when it is anchored at both ends and its literal dots are
 * escaped (`github\.com`, not `github.com`); `.*` and `.+` stay allowed.
 */
export function looseness(regexp: string): string | undefined {
  if (!regexp.startsWith('^') || !regexp.endsWith('$') || regexp.endsWith('\\$')) {
    return 'it is not anchored with ^ at the start and $ at the end';
  }
  if (/(?<!\\)\.(?=[A-Za-z0-9])/.test(regexp)) return 'it has an unescaped dot (write \\. for a literal dot)';
  try {
    new RegExp(regexp);
  } catch {
    return 'it is not a valid regular expression';
  }
  return undefined;
}

function refGlob(input: string, value: string, what: string): string {
  if (!REF_GLOB.test(value)) {
    throw new InputError(
      `"${value}" is not accepted; give ${what} as refs/tags/<glob> or refs/heads/<glob> (e.g. refs/tags/v*).`,
      { input },
    );
  }
  return value;
}

function retiredRefPattern(value: string, signer: Signer): never {
  throw new InputError(
    signer === 'reusable-workflow'
      ? `"${value}" is no longer accepted: it was matched against our reusable workflow's ref, never the publisher's. Use source-ref-pattern for the publisher's ref (default refs/tags/v*), and workflow-ref-pattern or workflow-commit for the ref of aotanami/release-actions (a tag or the commit the caller pinned, any by default).`
      : `"${value}" is no longer accepted; use source-ref-pattern (the publisher's ref, default refs/tags/v*).`,
    { input: 'ref-pattern' },
  );
}

/** Options that only make sense with our reusable workflow are refused for signer: workflow. */
function onlyReusable(options: IdentityOptions): void {
  if (options.signer === 'reusable-workflow') return;
  const given = (
    [
      [
        'workflow-ref-pattern',
        options.workflowRefPattern === DEFAULT_WORKFLOW_REF_PATTERN ? undefined : options.workflowRefPattern,
      ],
      ['workflow-commit', options.workflowCommit],
    ] as const
  ).find(([, v]) => v !== undefined);
  if (given) {
    throw new InputError(
      "only with signer: reusable-workflow; with signer: workflow the SAN's ref is the publisher's, set by source-ref-pattern.",
      { input: given[0] },
    );
  }
}

export function buildIdentityPolicy(options: IdentityOptions): IdentityPolicy {
  const repository = checkRepository(options.repository);
  if (options.refPattern !== undefined) retiredRefPattern(options.refPattern, options.signer);
  onlyReusable(options);
  const issuer = options.issuer ?? GITHUB_ACTIONS_ISSUER;
  const server = (options.serverUrl ?? 'https://github.com').replace(/\/+$/, '');
  const sourceRefPattern = refGlob(
    'source-ref-pattern',
    options.sourceRefPattern ?? DEFAULT_SOURCE_REF_PATTERN,
    "the publisher's ref",
  );
  const sourceRef = options.sourceRef;
  if (sourceRef !== undefined) {
    if (!EXACT_REF.test(sourceRef)) {
      throw new InputError(
        `"${sourceRef}" is not accepted; give the publisher's exact ref, e.g. refs/tags/v1.2.3.`,
        { input: 'source-ref' },
      );
    }
    if (!refMatches(sourceRefPattern, sourceRef)) {
      throw new InputError(`${sourceRef} does not match source-ref-pattern ${sourceRefPattern}.`, {
        input: 'source-ref',
      });
    }
  }
  const trigger = options.trigger;
  if (trigger !== undefined && !TRIGGER.test(trigger)) {
    throw new InputError(`"${trigger}" is not an event name (e.g. push, release, workflow_dispatch).`, {
      input: 'trigger',
    });
  }
  const workflowCommit = options.workflowCommit;
  if (workflowCommit !== undefined && !COMMIT.test(workflowCommit)) {
    throw new InputError(`"${workflowCommit}" is not a full 40-hex commit SHA (lower case).`, {
      input: 'workflow-commit',
    });
  }
  const workflowRefPattern = refGlob(
    'workflow-ref-pattern',
    options.workflowRefPattern ?? DEFAULT_WORKFLOW_REF_PATTERN,
    "our reusable workflow's ref",
  );
  const claims = {
    issuer,
    repository,
    sourceRefPattern,
    sourceRefRegexp: `^${globToRegExp(sourceRefPattern)}$`,
    signer: options.signer,
    ...(sourceRef !== undefined ? { sourceRef } : {}),
    ...(trigger !== undefined ? { trigger } : {}),
    ...(workflowCommit !== undefined ? { workflowCommit } : {}),
  };
  const publisher = `for ${repository} at ${sourceRef ?? sourceRefPattern}${trigger ? ` on ${trigger}` : ''}`;

  if (options.identityRegexp !== undefined) {
    const problem = looseness(options.identityRegexp);
    if (problem && !options.allowUnanchored) {
      throw new InputError(
        `refused because ${problem}; anchor and escape it, or set ${mention('allow-unanchored')} to accept the risk.`,
        { input: 'certificate-identity-regexp' },
      );
    }
    const policy: IdentityPolicy = {
      ...claims,
      identityRegexp: options.identityRegexp,
      description: `identity matching ${options.identityRegexp}, ${publisher}`,
    };
    if (problem) {
      policy.warning = `The certificate identity regexp ${options.identityRegexp} is loose (${problem}); a lookalike signer may pass.`;
    }
    return policy;
  }

  if (options.signer === 'reusable-workflow') {
    // Callers pin our workflow by commit (the SAN then ends in @<sha>) or by one of our tags.
    // Any commit is accepted unless workflow-commit names one: that pin is also checked against
    // 1.10, the commit that really ran, so a tag moved to another commit does not pass.
    const commit = workflowCommit ?? '[0-9a-f]{40}';
    return {
      ...claims,
      identityRegexp: `^${escapeRegExp(`${server}/${OUR_REUSABLE_WORKFLOW}`)}@(${globToRegExp(workflowRefPattern)}|${commit})$`,
      description: `release.yml of aotanami/release-actions at ${workflowRefPattern} or ${workflowCommit ? `commit ${workflowCommit}` : 'a full commit SHA'}, ${publisher}`,
    };
  }
  const workflow = options.workflow ?? '';
  if (!WORKFLOW_FILE.test(workflow)) {
    throw new InputError(
      `"${workflow}" is not accepted with signer: workflow; give the file as .github/workflows/<name>.yml.`,
      { input: 'workflow' },
    );
  }
  // The publisher's own workflow: the SAN's ref is the publisher's ref.
  const sanRef = sourceRef !== undefined ? escapeRegExp(sourceRef) : globToRegExp(sourceRefPattern);
  return {
    ...claims,
    identityRegexp: `^${escapeRegExp(`${server}/${repository}/${workflow}`)}@${sanRef}$`,
    description: `${workflow.split('/').pop()} of ${repository}, ${publisher}`,
  };
}

/** The check cosign does with these flags, done here for reports and for the native engine. */
export function identityMatches(policy: Pick<IdentityPolicy, 'identityRegexp'>, identity: string): boolean {
  return new RegExp(policy.identityRegexp).test(identity);
}
