import { describe, expect, it } from '@jest/globals';
import { referencesSecret, untrustedContext } from '../../../packages/audit/src/expressions.js';
import { parseSuppression } from '../../../packages/audit/src/suppress.js';
import {
  isSlsaGenerator,
  ownAction,
  parseUses,
  parseVersionComment,
} from '../../../packages/audit/src/uses.js';
import { globToRegExp, matchesPath } from '../../../packages/audit/src/glob.js';

describe('uses: references', () => {
  it('tells local, self-repository, docker and remote references apart', () => {
    expect(parseUses('./.github/actions/x')).toEqual({ kind: 'local', path: '.github/actions/x' });
    expect(parseUses('$/sign')).toEqual({ kind: 'self', path: 'sign' });
    expect(parseUses('docker://alpine:3')).toEqual({ kind: 'docker', image: 'alpine:3' });
    expect(parseUses('Actions/Checkout@v4')).toEqual({
      kind: 'remote',
      owner: 'actions',
      repo: 'checkout',
      path: '',
      ref: 'v4',
      name: 'actions/checkout',
    });
    expect(
      parseUses('github/codeql-action/upload-sarif@abc').kind === 'remote' &&
        parseUses('github/codeql-action/upload-sarif@abc'),
    ).toMatchObject({ name: 'github/codeql-action/upload-sarif' });
    expect(parseUses('no-ref').kind).toBe('invalid');
    expect(parseUses('owner@v1').kind).toBe('invalid');
  });

  it('knows our own actions under all three spellings, and the SLSA generator', () => {
    expect(ownAction(parseUses('$/sign'))).toBe('sign');
    expect(ownAction(parseUses('./attest'))).toBe('attest');
    expect(ownAction(parseUses('aotanami/release-actions/publish@' + 'a'.repeat(40)))).toBe('publish');
    expect(ownAction(parseUses('aotanami/release-actions@' + 'a'.repeat(40)))).toBe('release');
    expect(ownAction(parseUses('./.github/actions/sign'))).toBeUndefined();
    expect(ownAction(parseUses('someone/release-actions/sign@v1'))).toBeUndefined();
    const slsa = 'slsa-framework/slsa-github-generator/.github/workflows/';
    expect(isSlsaGenerator(parseUses(`${slsa}generator_container_slsa3.yml@v2.1.0`))).toBe(true);
    expect(isSlsaGenerator(parseUses(`${slsa}builder_go_slsa3.yml@v2.1.0`))).toBe(true);
    expect(isSlsaGenerator(parseUses('slsa-framework/slsa-github-generator/actions/x@v2.1.0'))).toBe(false);
    expect(isSlsaGenerator(parseUses(`${slsa}other.yml@v2.1.0`))).toBe(false);
  });

  it('reads version comments', () => {
    expect(parseVersionComment(' v4.2.2')).toEqual({ version: 'v4.2.2', full: true });
    expect(parseVersionComment(' tag=v1.0.0')).toEqual({ version: 'v1.0.0', full: true });
    expect(parseVersionComment(' 1.2.3-rc.1 pre-release')).toEqual({ version: '1.2.3-rc.1', full: true });
    expect(parseVersionComment(' v4')).toEqual({ version: 'v4', full: false });
    expect(parseVersionComment(' release-actions: ignore[PIN003] x')).toEqual({ full: false });
    expect(parseVersionComment(undefined)).toEqual({ full: false });
  });
});

describe('expressions', () => {
  it('finds untrusted event text, however it is indexed or spaced', () => {
    expect(untrustedContext('github.event.issue.title')).toBe('github.event.issue.title');
    expect(untrustedContext("format('{0}', github.event.pull_request.body)")).toBe(
      'github.event.pull_request.body',
    );
    expect(untrustedContext('github.event.commits[0].message')).toBe('github.event.commits[0].message');
    expect(untrustedContext('github.event.commits.*.author.email')).toBe(
      'github.event.commits.*.author.email',
    );
    expect(untrustedContext('github.event.pull_request.head.ref')).toBe('github.event.pull_request.head.ref');
    expect(untrustedContext('github.head_ref')).toBe('github.head_ref');
    expect(untrustedContext('github.event.workflow_run.head_branch')).toBe(
      'github.event.workflow_run.head_branch',
    );
    expect(untrustedContext('github.event.issue.number')).toBeUndefined();
    expect(untrustedContext('github.event.pull_request.head.sha')).toBeUndefined();
    expect(untrustedContext('github.event.issue.title_length')).toBeUndefined();
    expect(untrustedContext('steps.x.outputs.github.head_ref')).toBeUndefined();
  });

  it('recognises secrets in either notation', () => {
    expect(referencesSecret('secrets.TOKEN')).toBe(true);
    expect(referencesSecret("secrets['TOKEN']")).toBe(true);
    expect(referencesSecret('inputs.secrets')).toBe(false);
  });
});

describe('suppressions and path patterns', () => {
  it('parses our comments and zizmor’s, with or without a reason', () => {
    expect(parseSuppression(' release-actions: ignore[PIN001, hr001] vendored')).toEqual({
      rules: ['PIN001', 'HR001'],
      unknown: [],
      reason: 'vendored',
    });
    expect(parseSuppression(' zizmor: ignore[artipacked]')).toEqual({
      rules: ['CRED001'],
      unknown: [],
      reason: '',
    });
    expect(parseSuppression(' zizmor: ignore[excessive-permissions] ok')!.rules).toEqual([
      'PERM002',
      'PERM003',
    ]);
    expect(parseSuppression(' release-actions: ignore[artipacked] x')!.unknown).toEqual(['artipacked']);
    expect(parseSuppression(' v4.2.2')).toBeUndefined();
  });

  it('matches * within a folder and ** across folders', () => {
    expect(matchesPath('.github/workflows/*.yml', '.github/workflows/a.yml')).toBe(true);
    expect(matchesPath('.github/workflows/*.yml', '.github/workflows/sub/a.yml')).toBe(false);
    expect(matchesPath('.github/**', '.github/workflows/sub/a.yml')).toBe(true);
    expect(matchesPath('**/action.yml', 'action.yml')).toBe(true);
    expect(matchesPath('tools/', 'tools/x/action.yml')).toBe(true);
    expect(globToRegExp('a.b?').test('a.bc')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });
});
