import { InputError } from '@release-actions/errors';

/**
 * The identity a keyless signature must carry, built so it cannot be accidentally loose.
 *
 * The regular expressions are anchored (^…$) and every literal character is escaped, so
 * `aotanami/aotanami` never accepts `aotanami/aotanami-evil` and `github.com` never accepts
 * `githubXcom`. They use only syntax that Go's RE2 (cosign) and JavaScript agree on.
 */

export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';
export const OUR_REUSABLE_WORKFLOW = 'aotanami/release-actions/.github/workflows/release.yml';
export const DEFAULT_REF_PATTERN = 'refs/tags/v*';

export type Signer = 'reusable-workflow' | 'workflow';

export interface IdentityOptions {
  /** owner/repo that published the release (bound through the certificate's repository claim). */
  repository: string;
  signer: Signer;
  /** For signer=workflow: the publisher's workflow file, e.g. `.github/workflows/release.yml`. */
  workflow?: string;
  /** Glob over the workflow ref: `*` matches any run of characters except `@` and whitespace. */
  refPattern?: string;
  issuer?: string;
  /** Expert override; must be anchored and escaped unless allowUnanchored. */
  identityRegexp?: string;
  allowUnanchored?: boolean;
  serverUrl?: string;
}

export interface IdentityPolicy {
  identityRegexp: string;
  issuer: string;
  /** The repository claim (certificate extension 1.3.6.1.4.1.57264.1.5) must equal this. */
  repository: string;
  /** Set when the user opted into an unanchored regexp: shown as a warning in every report. */
  warning?: string;
  /** Human description: "release.yml of aotanami/release-actions at refs/tags/v*, for aotanami/aotanami". */
  description: string;
}

const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const WORKFLOW_FILE = /^\.github\/workflows\/[A-Za-z0-9._-]+\.ya?ml$/;
// A caller that pins our reusable workflow by commit (as it should) gets certificates whose identity
// ends in @<sha>; it names that exact commit. Any-commit patterns are not offered: a commit of a
// fork is reachable by SHA through the parent repository.
const REF_PATTERN = /^(?:refs\/(?:tags|heads)\/[A-Za-z0-9._/*+-]+|[0-9a-f]{40})$/;

/** Escapes every character that has a meaning in RE2 or JavaScript regular expressions. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, (c) => (c === '/' || c === '-' ? c : `\\${c}`));
}

export function globToRegExp(glob: string): string {
  return glob.split('*').map(escapeRegExp).join('[^@\\s]*');
}

export function checkRepository(repository: string): string {
  if (!REPOSITORY.test(repository)) {
    throw new InputError(
      `Input 'repository': "${repository}" is not an owner/repo name (e.g. aotanami/aotanami).`,
    );
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

export function buildIdentityPolicy(options: IdentityOptions): IdentityPolicy {
  const repository = checkRepository(options.repository);
  const issuer = options.issuer ?? GITHUB_ACTIONS_ISSUER;
  const server = (options.serverUrl ?? 'https://github.com').replace(/\/+$/, '');
  const refPattern = options.refPattern ?? DEFAULT_REF_PATTERN;
  if (!REF_PATTERN.test(refPattern)) {
    throw new InputError(
      `Input 'ref-pattern': "${refPattern}" is not accepted; use refs/tags/<glob>, refs/heads/<glob> (e.g. refs/tags/v*) or the full 40-hex commit SHA the workflow was pinned to.`,
    );
  }

  if (options.identityRegexp !== undefined) {
    const problem = looseness(options.identityRegexp);
    if (problem && !options.allowUnanchored) {
      throw new InputError(
        `Input 'certificate-identity-regexp': refused because ${problem}; anchor and escape it, or set allow-unanchored: true to accept the risk.`,
      );
    }
    return {
      identityRegexp: options.identityRegexp,
      issuer,
      repository,
      description: `identity matching ${options.identityRegexp}, for ${repository}`,
      warning: problem
        ? `The certificate identity regexp ${options.identityRegexp} is loose (${problem}); a lookalike signer may pass.`
        : undefined,
    };
  }

  let workflowPath: string;
  if (options.signer === 'reusable-workflow') {
    workflowPath = OUR_REUSABLE_WORKFLOW;
  } else {
    const workflow = options.workflow ?? '';
    if (!WORKFLOW_FILE.test(workflow)) {
      throw new InputError(
        `Input 'workflow': "${workflow}" is not accepted with signer: workflow; give the file as .github/workflows/<name>.yml.`,
      );
    }
    workflowPath = `${repository}/${workflow}`;
  }
  return {
    identityRegexp: `^${escapeRegExp(`${server}/${workflowPath}`)}@${globToRegExp(refPattern)}$`,
    issuer,
    repository,
    description: `${workflowPath.split('/').pop()} of ${workflowPath.split('/').slice(0, 2).join('/')} at ${refPattern}, for ${repository}`,
  };
}

/** The check cosign does with these flags, done here for reports and for the native engine. */
export function identityMatches(policy: IdentityPolicy, identity: string): boolean {
  return new RegExp(policy.identityRegexp).test(identity);
}
