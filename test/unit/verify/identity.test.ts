import { describe, expect, it } from '@jest/globals';
import { buildIdentityPolicy, identityMatches, looseness } from '@release-actions/verify';

const ours = (ref: string) =>
  `https://github.com/aotanami/release-actions/.github/workflows/release.yml@${ref}`;
const theirs = (repo: string, file: string, ref: string) => `https://github.com/${repo}/${file}@${ref}`;

describe('identity policy', () => {
  const reusable = buildIdentityPolicy({ repository: 'aotanami/aotanami', signer: 'reusable-workflow' });
  const workflow = buildIdentityPolicy({
    repository: 'aotanami/aotanami',
    signer: 'workflow',
    workflow: '.github/workflows/release.yml',
  });

  it('accepts our reusable workflow at a release tag and binds the repository claim', () => {
    expect(identityMatches(reusable, ours('refs/tags/v1.2.3'))).toBe(true);
    expect(reusable.repository).toBe('aotanami/aotanami');
    expect(reusable.issuer).toBe('https://token.actions.githubusercontent.com');
    expect(reusable.identityRegexp).toBe(
      '^https://github\\.com/aotanami/release-actions/\\.github/workflows/release\\.yml@refs/tags/v[^@\\s]*$',
    );
  });

  it.each([
    ['a branch ref', ours('refs/heads/main')],
    [
      'a lookalike repository',
      'https://github.com/aotanami/release-actions-evil/.github/workflows/release.yml@refs/tags/v1',
    ],
    [
      'a lookalike host',
      'https://github.com.evil.example/aotanami/release-actions/.github/workflows/release.yml@refs/tags/v1',
    ],
    [
      'an unescaped dot',
      'https://githubXcom/aotanami/release-actions/.github/workflows/release.yml@refs/tags/v1',
    ],
    [
      'another workflow file',
      'https://github.com/aotanami/release-actions/.github/workflows/release.yml.evil@refs/tags/v1',
    ],
    ['a suffix after the ref', `${ours('refs/tags/v1')}@x`],
    ['a prefix', `x${ours('refs/tags/v1')}`],
  ])('reusable-workflow rejects %s', (_name, identity) => {
    expect(identityMatches(reusable, identity)).toBe(false);
  });

  it("accepts the publisher's own workflow with signer: workflow, rejects lookalikes", () => {
    expect(
      identityMatches(
        workflow,
        theirs('aotanami/aotanami', '.github/workflows/release.yml', 'refs/tags/v0.1.0'),
      ),
    ).toBe(true);
    expect(
      identityMatches(
        workflow,
        theirs('aotanami/aotanami-evil', '.github/workflows/release.yml', 'refs/tags/v0.1.0'),
      ),
    ).toBe(false);
    expect(
      identityMatches(
        workflow,
        theirs('aotanami/aotanami', '.github/workflows/other.yml', 'refs/tags/v0.1.0'),
      ),
    ).toBe(false);
    expect(identityMatches(workflow, ours('refs/tags/v0.1.0'))).toBe(false);
  });

  it('accepts the exact commit a caller pinned our reusable workflow to, and only that commit', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    const pinned = buildIdentityPolicy({
      repository: 'aotanami/aotanami',
      signer: 'reusable-workflow',
      refPattern: sha,
    });
    expect(identityMatches(pinned, ours(sha))).toBe(true);
    expect(identityMatches(pinned, ours('fedcba9876543210fedcba9876543210fedcba98'))).toBe(false);
    expect(identityMatches(pinned, ours('refs/tags/v1.0.0'))).toBe(false);
    expect(() =>
      buildIdentityPolicy({ repository: 'a/b', signer: 'reusable-workflow', refPattern: '0123456789abcdef' }),
    ).toThrow(/full 40-hex commit SHA/);
  });

  it('refuses a loose override unless the user opts in, and then carries a warning', () => {
    const loose = 'https://github.com/aotanami/aotanami';
    expect(() =>
      buildIdentityPolicy({ repository: 'aotanami/aotanami', signer: 'workflow', identityRegexp: loose }),
    ).toThrow(/Input 'certificate-identity-regexp': refused because it is not anchored/);
    const opted = buildIdentityPolicy({
      repository: 'aotanami/aotanami',
      signer: 'workflow',
      identityRegexp: loose,
      allowUnanchored: true,
    });
    expect(opted.warning).toMatch(/loose/);
    expect(
      identityMatches(opted, theirs('aotanami/aotanami-evil', '.github/workflows/x.yml', 'refs/heads/main')),
    ).toBe(true);
  });

  it('accepts an anchored, escaped override without a warning', () => {
    const policy = buildIdentityPolicy({
      repository: 'aotanami/aotanami',
      signer: 'workflow',
      identityRegexp: '^https://github\\.com/aotanami/aotanami/\\.github/workflows/.*$',
    });
    expect(policy.warning).toBeUndefined();
  });

  it.each([
    ['^https://github.com/a/b$', /unescaped dot/],
    ['^https://github\\.com/a/b', /not anchored/],
    ['https://github\\.com/a/b$', /not anchored/],
    ['^https://github\\.com/(a$', /not a valid regular expression/],
  ])('looseness(%s)', (regexp, reason) => {
    expect(looseness(regexp)).toMatch(reason);
  });

  it('names the input and what is accepted for bad values', () => {
    expect(() => buildIdentityPolicy({ repository: 'not a repo', signer: 'reusable-workflow' })).toThrow(
      /Input 'repository': "not a repo" is not an owner\/repo name/,
    );
    expect(() =>
      buildIdentityPolicy({ repository: 'a/b', signer: 'reusable-workflow', refPattern: 'v*' }),
    ).toThrow(/Input 'ref-pattern': "v\*" is not accepted; use refs\/tags\/<glob>/);
    expect(() =>
      buildIdentityPolicy({ repository: 'a/b', signer: 'workflow', workflow: 'release.yml' }),
    ).toThrow(/Input 'workflow'/);
  });
});
