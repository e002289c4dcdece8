import { afterAll, describe, expect, it } from '@jest/globals';
import { expandPathLines, isInside } from '@release-actions/core';
import * as glob from '@actions/glob';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = mkdtempSync(path.join(os.tmpdir(), 'path-lines-'));
mkdirSync(path.join(root, 'dist'));
for (const name of ['a.tgz', 'b.tgz', 'b.tgz.sigstore.json', 'notes.md'])
  writeFileSync(path.join(root, 'dist', name), name);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const loadGlob = () => Promise.resolve(glob);
const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'no error',
    (error: Error) => error.message,
  );

describe('expandPathLines', () => {
  it('keeps plain lines as given, then the matches of the patterns, sorted, without the excluded and skipped', async () => {
    const found = await expandPathLines(['dist/notes.md', 'dist/*', '!dist/a.tgz'], {
      input: 'files',
      workspace: root,
      loadGlob,
      skip: (file) => file.endsWith('.sigstore.json'),
    });
    expect(found).toEqual([
      { path: path.join(root, 'dist', 'notes.md'), shown: 'dist/notes.md', matched: false },
      { path: path.join(root, 'dist', 'b.tgz'), shown: path.join(root, 'dist', 'b.tgz'), matched: true },
      {
        path: path.join(root, 'dist', 'notes.md'),
        shown: path.join(root, 'dist', 'notes.md'),
        matched: true,
      },
    ]);
  });

  it('refuses a pattern whose every match is excluded or skipped, and a pattern without a matcher', async () => {
    const options = { input: 'files', workspace: root, loadGlob, purpose: 'to sign' };
    expect(
      await errorOf(expandPathLines(['dist/*.json'], { ...options, skip: (f) => f.endsWith('.json') })),
    ).toBe(`Input 'files': the pattern "dist/*.json" matches no file to sign.`);
    expect(await errorOf(expandPathLines(['dist/a*', '!dist/a.tgz'], options))).toBe(
      `Input 'files': the pattern "dist/a*" matches no file to sign.`,
    );
    expect(await errorOf(expandPathLines(['dist/*'], { input: 'files', workspace: root }))).toBe(
      `Input 'files': "dist/*" is a pattern; give the files by name here.`,
    );
  });

  it('roots patterns at a workspace whose name has glob characters', async () => {
    const odd = path.join(root, 'w[1]{a,b}*?');
    mkdirSync(odd);
    writeFileSync(path.join(odd, 'x.bin'), 'x');
    const found = await expandPathLines(['*.bin'], { input: 'files', workspace: odd, loadGlob });
    expect(found.map((f) => f.path)).toEqual([path.join(odd, 'x.bin')]);
  });
});

describe('isInside', () => {
  it('is true strictly inside, false for the root itself, its parent and a sibling sharing a prefix', () => {
    expect(isInside('/w', '/w/a/b')).toBe(true);
    expect(isInside('/w', '/w')).toBe(false);
    expect(isInside('/w', '/')).toBe(false);
    expect(isInside('/w', '/w2/a')).toBe(false);
    expect(isInside('/w', '/w/../etc/passwd')).toBe(false);
  });
});
