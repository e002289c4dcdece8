import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cliInputNames, describeError, InputError } from '@release-actions/core';
import {
  checkOneSource,
  parseSource,
  sourceFields,
  sourceOrOlder,
  type SourceSpec,
} from '@release-actions/sbom';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The one source syntax of sbom and scan (docs/sources.md). */

const DIGEST = `sha256:${'ab'.repeat(32)}`;
let root: string;
let resolvePath: (value: string) => string;

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'source-syntax-'));
  mkdirSync(path.join(root, 'app'));
  mkdirSync(path.join(root, 'build'));
  writeFileSync(path.join(root, 'image.tar'), 'tar');
  writeFileSync(path.join(root, 'sbom.spdx.json'), '{}');
  writeFileSync(path.join(root, 'Weird File'), 'x');
  resolvePath = (value) => path.resolve(root, value);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The one line a front end prints, as the action shows it. */
function failure(text: string, options: Parameters<typeof parseSource>[1] = {}): string {
  try {
    parseSource(text, { resolvePath, ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return describeError(error);
  }
  throw new Error(`"${text}" was accepted`);
}

describe('parseSource', () => {
  it('reads each prefix', () => {
    const scan = { resolvePath, allowSbom: true };
    expect(parseSource(`image:ghcr.io/o/app@${DIGEST}`, scan)).toEqual({
      kind: 'image',
      value: `ghcr.io/o/app@${DIGEST}`,
      reference: { registry: 'ghcr.io', repository: 'o/app', digest: DIGEST },
    });
    expect(parseSource('dir:build', scan)).toEqual({ kind: 'dir', value: path.join(root, 'build') });
    expect(parseSource('dir:.', scan)).toEqual({ kind: 'dir', value: root });
    expect(parseSource('file:image.tar', scan)).toEqual({
      kind: 'file',
      value: path.join(root, 'image.tar'),
    });
    expect(parseSource('sbom:sbom.spdx.json', scan)).toEqual({
      kind: 'sbom',
      value: path.join(root, 'sbom.spdx.json'),
    });
    // Only the first colon is the prefix: a path may hold colons and spaces.
    expect(parseSource('file:Weird File', scan).value).toBe(path.join(root, 'Weird File'));
  });

  it('reads a bare value as an image reference, by tag or digest, with or without a registry', () => {
    expect(parseSource('alpine:3.20', { resolvePath })).toMatchObject({
      kind: 'image',
      value: 'alpine:3.20',
      reference: { registry: 'docker.io', repository: 'library/alpine', tag: '3.20' },
    });
    expect(parseSource('localhost:5000/o/app:1.0', { resolvePath })).toMatchObject({
      kind: 'image',
      value: 'localhost:5000/o/app:1.0',
      reference: { registry: 'localhost:5000', repository: 'o/app', tag: '1.0' },
    });
    // A registry host spelled like one of our prefixes, with a port, is still a reference.
    expect(parseSource('image:docker:5000/o/app', { resolvePath }).kind).toBe('image');
    expect(parseSource('docker:5000/o/app', { resolvePath })).toMatchObject({
      kind: 'image',
      reference: { registry: 'docker:5000', repository: 'o/app' },
    });
  });

  it('refuses a malformed reference, bare or prefixed, with the syntax of a path', () => {
    expect(failure('ghcr.io/O/App:1')).toMatch(
      /^Input 'source': invalid image reference "ghcr\.io\/O\/App:1": .*; a path is written dir:<path> or file:<path>\.$/,
    );
    expect(failure('image:ghcr.io/o/app@sha256:abc')).toMatch(
      /^Input 'source': invalid image reference "ghcr\.io\/o\/app@sha256:abc": sha256 digest must have 64 hex characters/,
    );
    expect(failure('image:')).toBe(`Input 'source': "image:" names no image; write image:<reference>.`);
    expect(failure('  ')).toMatch(/^Input 'source': is empty; accepted: image:<reference>, dir:<path>/);
  });

  it('refuses a bare path that is no reference, naming the prefix to write', () => {
    expect(failure('./build')).toBe(
      `Input 'source': "./build" is a directory here, not an image reference; write dir:./build to use it (a bare value is always an image).`,
    );
    expect(failure(path.join(root, 'image.tar'))).toBe(
      `Input 'source': "${path.join(root, 'image.tar')}" is a file here, not an image reference; write file:${path.join(root, 'image.tar')} to use it (a bare value is always an image).`,
    );
  });

  it('reads a bare value that is both a reference and a path as the image, and warns', () => {
    const warnings: string[] = [];
    const spec = parseSource('app', { resolvePath, warn: (message) => warnings.push(message) });
    expect(spec).toMatchObject({ kind: 'image', value: 'app', reference: { repository: 'library/app' } });
    expect(warnings).toEqual([
      'source "app" is read as the image app; a directory of that name is here too: write dir:app to use it, or image:app to say you mean the image.',
    ]);
    // Said explicitly, there is nothing to warn about.
    parseSource('image:app', { resolvePath, warn: (message) => warnings.push(message) });
    parseSource('alpine', { resolvePath, warn: (message) => warnings.push(message) });
    expect(warnings).toHaveLength(1);
  });

  it('refuses a missing path and a path of the wrong kind', () => {
    expect(failure('dir:missing')).toBe(
      `Input 'source': "dir:missing": ${path.join(root, 'missing')} does not exist.`,
    );
    expect(failure('file:missing.tar')).toBe(
      `Input 'source': "file:missing.tar": ${path.join(root, 'missing.tar')} does not exist.`,
    );
    expect(failure('dir:image.tar')).toBe(
      `Input 'source': "dir:image.tar": ${path.join(root, 'image.tar')} is not a directory.`,
    );
    expect(failure('file:build')).toBe(
      `Input 'source': "file:build": ${path.join(root, 'build')} is not a file (for a directory write dir:build).`,
    );
    expect(failure('sbom:build', { allowSbom: true })).toBe(
      `Input 'source': "sbom:build": ${path.join(root, 'build')} is not a file (for a directory write dir:build).`,
    );
    expect(failure('dir:')).toBe(`Input 'source': "dir:" names no path; write dir:<path>.`);
  });

  it('refuses sbom: where SBOMs are made, not read', () => {
    expect(failure('sbom:sbom.spdx.json')).toBe(
      `Input 'source': "sbom:sbom.spdx.json": sbom:<file> is what scan reads; sbom catalogues image:<reference>, dir:<path> or file:<path>.`,
    );
  });

  it("names our prefix for syft's and grype's own schemes", () => {
    expect(failure('registry:ghcr.io/o/app')).toMatch(
      /^Input 'source': "registry:ghcr\.io\/o\/app": registry: is syft's and grype's own scheme; write image:<reference> \(accepted: /,
    );
    expect(failure('docker-archive:image.tar')).toMatch(/write file:<path> \(accepted: /);
    expect(failure('oci-dir:build')).toMatch(/write dir:<path> \(accepted: /);
  });

  it('refuses a path the front end refuses, naming the input', () => {
    const inside = (value: string) => {
      const resolved = path.resolve(root, value);
      if (!resolved.startsWith(root))
        throw new InputError(`"${value}" is outside the workspace.`, { input: 'source' });
      return resolved;
    };
    expect(failure('dir:../..', { resolvePath: inside })).toBe(
      `Input 'source': "../.." is outside the workspace.`,
    );
  });

  it('names the flag or argument it came from in the CLI', () => {
    let caught: unknown;
    try {
      parseSource('dir:missing', { resolvePath, input: 'path' });
    } catch (error) {
      caught = error;
    }
    expect(describeError(caught, cliInputNames({ source: '<source>' }))).toBe(
      `--path: "dir:missing": ${path.join(root, 'missing')} does not exist.`,
    );
    try {
      parseSource('dir:missing', { resolvePath });
    } catch (error) {
      caught = error;
    }
    expect(describeError(caught, cliInputNames({ source: '<source>' }))).toMatch(/^<source>: "dir:missing"/);
  });
});

describe('sourceFields', () => {
  it('gives the request field of each kind', () => {
    const specs: [SourceSpec, object][] = [
      [
        {
          kind: 'image',
          value: 'alpine',
          reference: { registry: 'docker.io', repository: 'library/alpine' },
        },
        { image: 'alpine' },
      ],
      [{ kind: 'dir', value: '/w/build' }, { path: '/w/build' }],
      [{ kind: 'file', value: '/w/image.tar' }, { file: '/w/image.tar' }],
      [{ kind: 'sbom', value: '/w/sbom.json' }, { sbom: '/w/sbom.json' }],
    ];
    for (const [spec, fields] of specs) expect(sourceFields(spec)).toEqual(fields);
  });
});

describe('checkOneSource', () => {
  it('refuses the source input with an older one, and lets either alone through', () => {
    expect(() => checkOneSource('sbom', 'alpine', { image: 'alpine', path: undefined })).toThrow(
      "Input 'source': cannot be combined with 'image'; give the source once, as source (image:<reference>, dir:<path>, file:<path> or a bare image reference).",
    );
    expect(() =>
      checkOneSource('scan', 'dir:.', { image: undefined, sbom: '/w/s.json', path: '/w' }),
    ).toThrow("cannot be combined with 'sbom', 'path';");
    expect(() => checkOneSource('sbom', 'alpine', { image: undefined, path: '' })).not.toThrow();
    expect(() => checkOneSource('sbom', undefined, { image: 'alpine', path: '/w' })).not.toThrow();
  });
});

describe('sourceOrOlder', () => {
  it('parses source into the request fields, or passes the older inputs through as they are', () => {
    expect(sourceOrOlder('scan', 'sbom:sbom.spdx.json', { image: undefined }, { resolvePath })).toEqual({
      sbom: path.join(root, 'sbom.spdx.json'),
    });
    expect(sourceOrOlder('sbom', 'dir:app', { image: undefined, path: undefined }, { resolvePath })).toEqual({
      path: path.join(root, 'app'),
    });
    const older = { image: 'alpine:3.20', path: undefined };
    expect(sourceOrOlder('sbom', undefined, older, { resolvePath })).toBe(older);
  });

  it('takes sbom: only for scan, and refuses source beside an older input', () => {
    expect(() => sourceOrOlder('sbom', 'sbom:sbom.spdx.json', {}, { resolvePath })).toThrow(
      /sbom:<file> is what scan reads/,
    );
    expect(() => sourceOrOlder('scan', 'alpine', { image: 'alpine' }, { resolvePath })).toThrow(
      "cannot be combined with 'image'",
    );
  });
});
