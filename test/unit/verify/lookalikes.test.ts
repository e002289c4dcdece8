import { describe, expect, it } from '@jest/globals';
import {
  buildIdentityPolicy,
  identityMatches,
  looseness,
  type IdentityOptions,
} from '@release-actions/verify';

/**
 * Every identity regexp we build, over a matrix of repositories, signer modes and ref patterns,
 * accepts the genuine identity and rejects each lookalike; and passes our own looseness check.
 */
const repositories = ['aotanami/aotanami', 'my-org/app.io', 'A1/x_y-z.v2'];
const refPatterns: [string, string][] = [
  ['refs/tags/v*', 'refs/tags/v1.2.3'],
  ['refs/tags/release-*', 'refs/tags/release-2026.1'],
  ['refs/heads/main', 'refs/heads/main'],
];

function identities(options: IdentityOptions, ref: string): { genuine: string; lookalikes: string[] } {
  const workflowPath =
    options.signer === 'reusable-workflow'
      ? 'aotanami/release-actions/.github/workflows/release.yml'
      : `${options.repository}/${options.workflow}`;
  const genuine = `https://github.com/${workflowPath}@${ref}`;
  const [owner, name] = workflowPath.split('/') as [string, string];
  const rest = workflowPath.split('/').slice(2).join('/');
  return {
    genuine,
    lookalikes: [
      `https://github.com/${owner}/${name}-evil/${rest}@${ref}`,
      `https://github.com/${owner}-evil/${name}/${rest}@${ref}`,
      `https://github.com/${owner}/${name.replace('.', 'X')}/${rest.replace('.', 'X')}@${ref}`,
      `https://githubXcom/${workflowPath}@${ref}`,
      `https://github.com.evil.example/${workflowPath}@${ref}`,
      `https://github.com/${workflowPath}.evil@${ref}`,
      `https://github.com/${workflowPath}@${ref}@refs/heads/evil`,
      `https://github.com/${workflowPath}@refs/pull/1/merge`,
      `https://github.com/${workflowPath}@${'a'.repeat(39)}`,
      `https://github.com/${workflowPath}@${'A'.repeat(40)}`,
      `https://github.com/${workflowPath}@${'a'.repeat(41)}`,
      `x${genuine}`,
      `${genuine}\n`,
      `${genuine} `,
    ],
  };
}

describe('generated identity regexps', () => {
  for (const repository of repositories) {
    for (const [refPattern, ref] of refPatterns) {
      for (const options of [
        { repository, signer: 'reusable-workflow', workflowRefPattern: refPattern },
        {
          repository,
          signer: 'workflow',
          workflow: '.github/workflows/release.yml',
          sourceRefPattern: refPattern,
        },
      ] as IdentityOptions[]) {
        it(`${options.signer} for ${repository} at ${refPattern}`, () => {
          const policy = buildIdentityPolicy(options);
          expect(looseness(policy.identityRegexp)).toBeUndefined();
          expect(policy.repository).toBe(repository);
          const { genuine, lookalikes } = identities(options, ref);
          expect(identityMatches(policy, genuine)).toBe(true);
          for (const lookalike of lookalikes) {
            expect([lookalike, identityMatches(policy, lookalike)]).toEqual([lookalike, false]);
          }
        });
      }
    }
  }

  it('accepts any full commit SHA in our SAN by default, and one only with workflow-commit', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    const other = 'fedcba9876543210fedcba9876543210fedcba98';
    const ours = (ref: string) =>
      `https://github.com/aotanami/release-actions/.github/workflows/release.yml@${ref}`;
    const any = buildIdentityPolicy({ repository: 'a/b', signer: 'reusable-workflow' });
    expect(identityMatches(any, ours(sha))).toBe(true);
    expect(identityMatches(any, ours(other))).toBe(true);
    const pinned = buildIdentityPolicy({
      repository: 'a/b',
      signer: 'reusable-workflow',
      workflowCommit: sha,
    });
    expect(pinned.identityRegexp).toBe(
      `^https://github\\.com/aotanami/release-actions/\\.github/workflows/release\\.yml@(refs/tags/v[^@\\s]*|${sha})$`,
    );
    expect(identityMatches(pinned, ours(sha))).toBe(true);
    expect(identityMatches(pinned, ours('refs/tags/v1.0.0'))).toBe(true);
    expect(identityMatches(pinned, ours(other))).toBe(false);
    expect(
      identityMatches(
        pinned,
        `https://github.com/aotanami/release-actions-evil/.github/workflows/release.yml@${sha}`,
      ),
    ).toBe(false);
  });

  it('uses only syntax RE2 (cosign) shares with JavaScript: no lookaround, no backreferences', () => {
    const policy = buildIdentityPolicy({
      repository: 'a-b/c.d',
      signer: 'workflow',
      workflow: '.github/workflows/r.yml',
    });
    expect(policy.identityRegexp).not.toMatch(/\(\?[=!<]|\\\d/);
  });

  it('refuses an unanchored or unescaped override unless allow-unanchored, which then warns', () => {
    for (const loose of [
      'https://github\\.com/aotanami/aotanami',
      '^https://github.com/aotanami/aotanami/.*$',
    ]) {
      expect(() =>
        buildIdentityPolicy({
          repository: 'aotanami/aotanami',
          signer: 'reusable-workflow',
          identityRegexp: loose,
        }),
      ).toThrow(/^Input 'certificate-identity-regexp': refused because/);
      const opted = buildIdentityPolicy({
        repository: 'aotanami/aotanami',
        signer: 'reusable-workflow',
        identityRegexp: loose,
        allowUnanchored: true,
      });
      expect(opted.warning).toContain('a lookalike signer may pass');
    }
  });
});
