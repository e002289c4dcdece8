import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '@release-actions/core';
import {
  checkTag,
  checkTargetCommitish,
  contentTypeFor,
  describeFailure,
  describeFiles,
  expandFiles,
  parseRepository,
  tagFromRef,
} from '@release-actions/github';

describe('contentTypeFor', () => {
  it.each([
    ['sbom-spdx.json', 'application/json'],
    ['SBOM.JSON', 'application/json'],
    ['grype.sarif', 'application/sarif+json'],
    ['chart-1.2.3.tgz', 'application/gzip'],
    ['multiple.intoto.jsonl', 'application/vnd.in-toto+json'],
    ['other.jsonl', 'application/octet-stream'],
    ['checksums.txt', 'application/octet-stream'],
    ['binary', 'application/octet-stream'],
  ])('%s → %s', (name, type) => {
    expect(contentTypeFor(name)).toBe(type);
  });
});

describe('parseRepository, checkTag, tagFromRef', () => {
  it('accepts owner/name and refuses anything else with a line naming the input', () => {
    expect(parseRepository('aotanami/release-actions')).toEqual({
      owner: 'aotanami',
      repo: 'release-actions',
    });
    expect(parseRepository('a-b/c.d_e')).toEqual({ owner: 'a-b', repo: 'c.d_e' });
    for (const bad of ['aotanami', 'a/b/c', '/b', 'a/', 'a/..', '-a/b', 'a b/c', 'https://github.com/a/b']) {
      expect(() => parseRepository(bad)).toThrow(InputError);
      expect(() => parseRepository(bad, 'repo')).toThrow(
        `Input 'repo': "${bad}" is not a repository; use owner/name.`,
      );
    }
  });

  it('accepts git tag names and refuses what git would refuse', () => {
    for (const good of ['v1.2.3', 'release/2026-11', 'v1.0.0-rc.1+build.5', 'chart-1.0']) {
      expect(checkTag(good)).toBe(good);
    }
    for (const bad of [
      '',
      'v1 .0',
      'v1..2',
      'v1~1',
      'v1^',
      'a:b',
      'v*',
      'v[1]',
      'a\\b',
      '-v1',
      '/v1',
      'v1/',
      'v1.',
      'v1.lock',
      'a/.b',
      'a//b',
      'v@{1}',
      '@',
      'v1\u0007',
    ]) {
      expect(() => checkTag(bad)).toThrow(/^Input 'tag': ".*" is not a valid tag name/s);
    }
  });

  it('accepts a full commit SHA or a branch name as target-commitish, and nothing else', () => {
    const sha = 'a3f1c2d4e5b6a7980123456789abcdef01234567';
    expect(checkTargetCommitish(sha)).toBe(sha);
    expect(checkTargetCommitish(sha.toUpperCase())).toBe(sha);
    for (const branch of ['main', 'release/2.x', 'feature_1-b', '20240101', 'deadbeefcafe-x']) {
      expect(checkTargetCommitish(branch)).toBe(branch);
    }
    for (const bad of [
      '',
      'main branch',
      'a..b',
      'v1~1',
      'x:y',
      '-main',
      'main.lock',
      'a\nb',
      'HEAD',
      'refs/heads/main',
    ]) {
      expect(() => checkTargetCommitish(bad)).toThrow(InputError);
      expect(() => checkTargetCommitish(bad)).toThrow(
        /^Input 'target-commitish': ".*" is neither a commit SHA nor a branch name; use the full 40-hex commit SHA \(github\.sha\) or a branch name\.$/s,
      );
    }
    expect(() => checkTargetCommitish('a3f1c2d')).toThrow(
      `Input 'target-commitish': "a3f1c2d" looks like a commit SHA but is not 40 hex digits; use the full 40-hex commit SHA (github.sha) or a branch name.`,
    );
    expect(() => checkTargetCommitish(`${sha}0`)).toThrow(/looks like a commit SHA but is not 40 hex digits/);
  });

  it('takes the tag only from a tag ref', () => {
    expect(tagFromRef({ GITHUB_REF: 'refs/tags/v1.2.3', GITHUB_REF_NAME: 'v1.2.3' })).toBe('v1.2.3');
    expect(tagFromRef({ GITHUB_REF: 'refs/tags/release/1' })).toBe('release/1');
    expect(tagFromRef({ GITHUB_REF: 'refs/heads/main', GITHUB_REF_NAME: 'main' })).toBeUndefined();
    expect(tagFromRef({ GITHUB_REF: 'refs/pull/1/merge' })).toBeUndefined();
    expect(tagFromRef({})).toBeUndefined();
  });
});

describe('describeFailure', () => {
  const context = {
    operation: 'list the assets',
    repository: 'o/r',
    token: 'ghs_secretsecretsecretsecret1234',
  };
  const failure = (status: number, message: string) =>
    Object.assign(new Error(`${message} - https://docs.github.com/rest`), {
      status,
      response: { data: { message } },
    });

  it('names contents: write on a 403 and tells a rate limit apart', () => {
    expect(describeFailure(failure(403, 'Resource not accessible by integration'), context).message).toBe(
      'Could not list the assets: GitHub answered 403 (Resource not accessible by integration). The token needs the `contents: write` permission on o/r; add `permissions: contents: write` to the job.',
    );
    expect(describeFailure(failure(403, 'API rate limit exceeded'), context).message).toMatch(
      /rate limit was still exceeded/,
    );
  });

  it('gives each kind of refusal its code, and names the token input on a 401', () => {
    const cases: [unknown, string][] = [
      [failure(401, 'Bad credentials'), 'TOKEN_REJECTED'],
      [failure(403, 'Resource not accessible by integration'), 'PERMISSION_DENIED'],
      [failure(403, 'API rate limit exceeded'), 'RATE_LIMITED'],
      [failure(429, 'Too many requests'), 'RATE_LIMITED'],
      [failure(404, 'Not Found'), 'API_FAILED'],
      [failure(502, 'Bad gateway'), 'API_FAILED'],
      [Object.assign(new Error('aborted'), { name: 'AbortError' }), 'API_FAILED'],
    ];
    expect(cases.map(([error]) => describeFailure(error, context).code)).toEqual(
      cases.map(([, code]) => code),
    );
    const rejected = describeFailure(failure(401, 'Bad credentials'), context);
    expect(rejected).toBeInstanceOf(InputError);
    expect(rejected.input).toBe('token');
    expect(rejected.message).toMatch(/^Input 'token': GitHub rejected the token \(401 Bad credentials\)/);
  });

  it('never shows the token, even inside a message', () => {
    const error = describeFailure(failure(500, `upstream said ${context.token}`), context);
    expect(error.message).not.toContain(context.token);
    const plain = describeFailure(new Error(`connect failed for token ${context.token}`), context);
    expect(plain.message).toBe('Could not list the assets: connect failed for token ***');
  });
});

describe('expandFiles and describeFiles', () => {
  let root: string;
  let workspace: string;
  let written: string[];

  beforeEach(() => {
    // @actions/glob reports its options as ::debug:: workflow commands on stdout, which the runner
    // keeps out of the log unless debug logging is on; here they are caught, and must be no more.
    written = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    root = mkdtempSync(path.join(os.tmpdir(), 'publish-files-'));
    workspace = path.join(root, 'ws');
    mkdirSync(path.join(workspace, 'out', 'nested'), { recursive: true });
    for (const name of ['out/a.json', 'out/b.json', 'out/c.sarif', 'out/nested/d.json']) {
      writeFileSync(path.join(workspace, name), `{"${name}":1}`);
    }
    writeFileSync(path.join(root, 'secret.txt'), 'runner credentials');
  });

  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(root, { recursive: true, force: true });
    for (const line of written.join('').split('\n').filter(Boolean)) expect(line).toMatch(/^::debug::/);
  });

  const expand = (lines: string[], alsoUnder: string[] = []) =>
    expandFiles(lines, {
      workspace,
      alsoUnder,
      input: 'files',
      loadGlob: async () => await import('@actions/glob'),
    });

  it('expands globs with exclusions and keeps plain paths', async () => {
    const files = await expand(['out/*.json', '!out/b.json', 'out/c.sarif']);
    expect(files.map((f) => path.relative(workspace, f)).sort()).toEqual(['out/a.json', 'out/c.sarif']);
    const deep = await expand(['out/**/*.json']);
    expect(deep.map((f) => path.relative(workspace, f)).sort()).toEqual([
      'out/a.json',
      'out/b.json',
      'out/nested/d.json',
    ]);
  });

  it('refuses paths and links that lead out of the workspace, unless under an allowed directory', async () => {
    await expect(expand(['../secret.txt'])).rejects.toThrow(
      /Input 'files': "\.\.\/secret\.txt" is outside the workspace/,
    );
    await expect(expand([path.join(root, 'secret.txt')])).rejects.toThrow(/is outside the workspace/);
    symlinkSync(path.join(root, 'secret.txt'), path.join(workspace, 'out', 'link.txt'));
    await expect(expand(['out/link.txt'])).rejects.toThrow(/"out\/link\.txt" is outside the workspace/);
    await expect(expand(['out/*.txt'])).rejects.toThrow(/link\.txt" is outside the workspace/);
    expect(await expand([path.join(root, 'secret.txt')], [root])).toEqual([path.join(root, 'secret.txt')]);
  });

  it('refuses missing files, directories and patterns without a match', async () => {
    await expect(expand(['out/missing.json'])).rejects.toThrow(
      `Input 'files': "out/missing.json" does not exist.`,
    );
    await expect(expand(['out'])).rejects.toThrow(`Input 'files': "out" is not a file.`);
    await expect(expand(['none/*.json'])).rejects.toThrow(
      `Input 'files': the pattern "none/*.json" matches no file.`,
    );
  });

  it('fingerprints each file with its size, SHA-256 and content type', async () => {
    const [asset] = await describeFiles([path.join(workspace, 'out', 'c.sarif')]);
    expect(asset).toEqual({
      path: path.join(workspace, 'out', 'c.sarif'),
      name: 'c.sarif',
      size: 17,
      sha256: createHash('sha256').update('{"out/c.sarif":1}').digest('hex'),
      contentType: 'application/sarif+json',
    });
  });
});
