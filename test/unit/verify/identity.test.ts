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
      '^https://github\\.com/aotanami/release-actions/\\.github/workflows/release\\.yml@(refs/tags/v[^@\\s]*|[0-9a-f]{40})$',
    );
    expect(reusable.sourceRefPattern).toBe('refs/tags/v*');
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

  it('accepts our workflow pinned by any full commit SHA (the rule for callers), or at one of our tags', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    expect(identityMatches(reusable, ours(sha))).toBe(true);
    expect(identityMatches(reusable, ours('refs/tags/v1.0.0'))).toBe(true);
    expect(identityMatches(reusable, ours(sha.slice(0, 12)))).toBe(false);
    expect(() =>
      buildIdentityPolicy({
        repository: 'a/b',
        signer: 'reusable-workflow',
        workflowCommit: sha.slice(0, 16),
      }),
    ).toThrow(/^Input 'workflow-commit': "0123456789abcdef" is not a full 40-hex commit SHA/);
  });

  it('refuses the retired ref-pattern, naming the inputs that replace it', () => {
    expect(() =>
      buildIdentityPolicy({ repository: 'a/b', signer: 'reusable-workflow', refPattern: 'refs/tags/v*' }),
    ).toThrow(
      /^Input 'ref-pattern': "refs\/tags\/v\*" is no longer accepted: it was matched against our reusable workflow's ref, never the publisher's\. Use source-ref-pattern .* workflow-ref-pattern or workflow-commit/,
    );
    expect(() =>
      buildIdentityPolicy({
        repository: 'a/b',
        signer: 'workflow',
        workflow: '.github/workflows/r.yml',
        refPattern: 'refs/tags/v*',
      }),
    ).toThrow(/^Input 'ref-pattern': .* use source-ref-pattern/);
  });

  it("checks the publisher's exact ref against the pattern, and validates trigger and source ref", () => {
    expect(
      buildIdentityPolicy({ repository: 'a/b', signer: 'reusable-workflow', sourceRef: 'refs/tags/v1.2.3' })
        .sourceRef,
    ).toBe('refs/tags/v1.2.3');
    expect(() =>
      buildIdentityPolicy({ repository: 'a/b', signer: 'reusable-workflow', sourceRef: 'refs/heads/main' }),
    ).toThrow("Input 'source-ref': refs/heads/main does not match source-ref-pattern refs/tags/v*.");
    expect(() =>
      buildIdentityPolicy({ repository: 'a/b', signer: 'reusable-workflow', sourceRef: 'refs/tags/v*' }),
    ).toThrow(/^Input 'source-ref': "refs\/tags\/v\*" is not accepted/);
    expect(() =>
      buildIdentityPolicy({ repository: 'a/b', signer: 'reusable-workflow', sourceRefPattern: 'v*' }),
    ).toThrow(
      /^Input 'source-ref-pattern': "v\*" is not accepted; give the publisher's ref as refs\/tags\/<glob>/,
    );
    expect(() =>
      buildIdentityPolicy({ repository: 'a/b', signer: 'reusable-workflow', trigger: 'push; rm' }),
    ).toThrow(/^Input 'trigger': "push; rm" is not an event name/);
    expect(() =>
      buildIdentityPolicy({
        repository: 'a/b',
        signer: 'workflow',
        workflow: '.github/workflows/r.yml',
        workflowCommit: 'a'.repeat(40),
      }),
    ).toThrow(/^Input 'workflow-commit': only with signer: reusable-workflow/);
  });

  it("with signer: workflow the SAN's ref is the publisher's ref, exact when source-ref is given", () => {
    const exact = buildIdentityPolicy({
      repository: 'aotanami/aotanami',
      signer: 'workflow',
      workflow: '.github/workflows/release.yml',
      sourceRef: 'refs/tags/v1.2.3',
    });
    expect(
      identityMatches(
        exact,
        theirs('aotanami/aotanami', '.github/workflows/release.yml', 'refs/tags/v1.2.3'),
      ),
    ).toBe(true);
    expect(
      identityMatches(
        exact,
        theirs('aotanami/aotanami', '.github/workflows/release.yml', 'refs/tags/v1.2.4'),
      ),
    ).toBe(false);
    expect(
      identityMatches(
        workflow,
        theirs('aotanami/aotanami', '.github/workflows/release.yml', 'refs/heads/main'),
      ),
    ).toBe(false);
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
      buildIdentityPolicy({ repository: 'a/b', signer: 'reusable-workflow', workflowRefPattern: 'v*' }),
    ).toThrow(
      /Input 'workflow-ref-pattern': "v\*" is not accepted; give our reusable workflow's ref as refs\/tags\/<glob>/,
    );
    expect(() =>
      buildIdentityPolicy({ repository: 'a/b', signer: 'workflow', workflow: 'release.yml' }),
    ).toThrow(/Input 'workflow'/);
  });
});
