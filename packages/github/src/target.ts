import { InputError } from '@release-actions/core';

/** owner/name as GitHub allows them: owners are letters, digits and hyphens; names add '.' and '_'. */
const REPOSITORY = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/;

export function parseRepository(value: string, input = 'repository'): { owner: string; repo: string } {
  const match = REPOSITORY.exec(value.trim());
  if (!match || match[2] === '.' || match[2] === '..') {
    throw new InputError(`"${value}" is not a repository; use owner/name.`, { input });
  }
  return { owner: match[1] as string, repo: match[2] as string };
}

/** Git's rules for a ref name (git check-ref-format), shared by tags and branches. */
function isRefName(value: string): boolean {
  return !(
    value === '' ||
    value.length > 255 ||
    [...value].some((c) => c.charCodeAt(0) <= 0x20 || c.charCodeAt(0) === 0x7f) ||
    /[~^:?*[\\]/.test(value) ||
    value.includes('..') ||
    value.includes('@{') ||
    value.includes('//') ||
    value === '@' ||
    /^[-/.]/.test(value) ||
    /(^|\/)\./.test(value) ||
    /(\/|\.|\.lock)$/.test(value)
  );
}

/**
 * Git's rules for a tag name, so that a typo fails here with a clear line rather than as a
 * confusing 404 or a release on a tag that can never exist.
 */
export function checkTag(value: string, input = 'tag'): string {
  if (!isRefName(value)) {
    throw new InputError(
      `"${value}" is not a valid tag name; use a git tag such as v1.2.3 (no spaces, '..', '~^:?*[\\').`,
      { input },
    );
  }
  return value;
}

const FULL_SHA = /^[0-9a-f]{40}$/i;

/**
 * What GitHub creates a missing tag from: a full commit SHA or a branch name. Hex that is not 40
 * digits long (7 or more, mixing digits and letters: an abbreviated or mangled SHA) is refused:
 * GitHub would read it as a branch name that does not exist.
 */
export function checkTargetCommitish(value: string): string {
  const input = 'target-commitish';
  if (FULL_SHA.test(value)) return value.toLowerCase();
  const accepted = 'use the full 40-hex commit SHA (github.sha) or a branch name';
  if (/^(?=.*\d)(?=.*[a-f])[0-9a-f]{7,}$/i.test(value)) {
    throw new InputError(`"${value}" looks like a commit SHA but is not 40 hex digits; ${accepted}.`, {
      input,
    });
  }
  if (!isRefName(value) || value === 'HEAD' || value.startsWith('refs/')) {
    throw new InputError(`"${value}" is neither a commit SHA nor a branch name; ${accepted}.`, { input });
  }
  return value;
}

/** The tag a workflow run was triggered by, if it was triggered by a tag. */
export function tagFromRef(env: Record<string, string | undefined>): string | undefined {
  const ref = env.GITHUB_REF ?? '';
  if (!ref.startsWith('refs/tags/')) return undefined;
  return env.GITHUB_REF_NAME || ref.slice('refs/tags/'.length);
}
