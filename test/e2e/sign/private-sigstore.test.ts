import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Layout, type BuiltIndex } from '../../harness/images.js';
import { startRegistry, type Registry } from '../../harness/registry.js';
import { repoRoot } from '../../harness/run-bundle.js';
import { errorLines, json, notices, runWithFakes } from './helpers.js';

/**
 * sign and attest against a private Sigstore deployment: the signing-config and trusted-root
 * inputs are checked, handed to cosign as --signing-config / --trusted-root, and the summary does
 * not point a private log's entries at the public instance's search. With a key and a signing
 * config that names no transparency log, the signatures are made offline and said to be unlogged.
 */
const SIGNING_CONFIG = 'application/vnd.dev.sigstore.signingconfig.v0.2+json';
const TRUSTED_ROOT = 'application/vnd.dev.sigstore.trustedroot+json;version=0.1';
const KEY = `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nZmFrZSBrZXkgZm9yIHRlc3Rz\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----`;

let registry: Registry;
let layout: Layout;
let multi: BuiltIndex;
let workspace: string;

function service(url: string, major = 1) {
  return { url, majorApiVersion: major, validFor: { start: '2025-01-01T00:00:00Z' }, operator: 'example' };
}

beforeAll(async () => {
  registry = await startRegistry();
  layout = new Layout();
  multi = layout.index('7.0', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ]);
  await layout.push('7.0', registry.host, 'private/app');
  workspace = mkdtempSync(path.join(os.tmpdir(), 'private-sigstore-'));
  const write = (name: string, value: unknown) =>
    writeFileSync(path.join(workspace, name), typeof value === 'string' ? value : JSON.stringify(value));
  // As `cosign signing-config create` writes them (protobuf JSON names).
  write('signing-config.json', {
    mediaType: SIGNING_CONFIG,
    caUrls: [service('https://fulcio.sigstore.example')],
    oidcUrls: [service('https://oauth2.sigstore.example/auth')],
    rekorTlogUrls: [service('https://rekor.sigstore.example', 2)],
    rekorTlogConfig: { selector: 'ANY' },
    tsaUrls: [service('https://tsa.sigstore.example/api/v1/timestamp')],
    tsaConfig: { selector: 'ANY' },
  });
  write('offline-signing-config.json', { mediaType: SIGNING_CONFIG });
  write('trusted-root.json', {
    mediaType: TRUSTED_ROOT,
    tlogs: [],
    certificateAuthorities: [],
    ctlogs: [],
    timestampAuthorities: [],
  });
  write('wrong-media-type.json', { mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.1+json' });
  write('not-json.json', 'mediaType: nope\n');
  mkdirSync(path.join(workspace, 'a-directory.json'));
  copyFileSync(
    path.join(repoRoot, 'test', 'fixtures', 'upstream', 'syft', 'golden', 'spdx-json.image.golden.json'),
    path.join(workspace, 'predicate.json'),
  );
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  layout?.remove();
});

const run = (name: 'sign' | 'attest', inputs: Record<string, string>, oidc = true) =>
  runWithFakes(name, { inputs, oidc, workspace });

describe('sign and attest with a private signing config and trusted root', () => {
  it('passes both files to every cosign sign call and links no entry to search.sigstore.dev', async () => {
    const result = await run('sign', {
      images: `${registry.host}/private/app@${multi.index.digest}`,
      'signing-config': 'signing-config.json',
      'trusted-root': 'trusted-root.json',
    });
    expect(errorLines(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.calls).toHaveLength(3);
    for (const call of result.calls) {
      const at = (flag: string) => call.argv[call.argv.indexOf(flag) + 1];
      expect(at('--signing-config')).toBe(path.join(workspace, 'signing-config.json'));
      expect(at('--trusted-root')).toBe(path.join(workspace, 'trusted-root.json'));
      // cosign refuses --use-signing-config beside --signing-config.
      expect(call.argv.some((a) => a.startsWith('--use-signing-config'))).toBe(false);
    }
    const indexes = json<number[]>(result.outputs['rekor-log-indexes']);
    expect(indexes.every((i) => Number.isInteger(i))).toBe(true);
    expect(json(result.outputs['rekor-urls'])).toEqual([null, null, null]);
    expect(result.summary).not.toContain('search.sigstore.dev');
    expect(result.summary).toContain(`| ${indexes[0]} in https://rekor.sigstore.example |`);
  });

  it('signs and attests with a key offline: no transparency log, said so, nothing logged', async () => {
    const signed = await run(
      'sign',
      {
        images: `${registry.host}/private/app@${multi.index.digest}`,
        key: KEY,
        'key-password': 'pw',
        'signing-config': 'offline-signing-config.json',
      },
      false,
    );
    expect(errorLines(signed)).toEqual([]);
    expect(signed.calls.map((c) => c.argv.slice(0, 6))).toEqual(
      signed.calls.map((c) => [
        'sign',
        '--yes',
        '--key',
        c.argv[3],
        '--signing-config',
        path.join(workspace, 'offline-signing-config.json'),
      ]),
    );
    expect(json(signed.outputs['rekor-log-indexes'])).toEqual([null, null, null]);
    expect(signed.summary).toContain('key-based, no transparency-log entry');
    expect(signed.summary).toContain('| not logged |');
    expect(notices(signed).some((n) => n.includes('names no transparency log'))).toBe(true);
    const bundle = JSON.parse(readFileSync(json<string[]>(signed.outputs.bundles)[0] as string, 'utf8'));
    expect(bundle.verificationMaterial.tlogEntries).toEqual([]);
    expect(bundle.verificationMaterial.publicKey).toBeDefined();

    const attested = await run(
      'attest',
      {
        subject: `${registry.host}/private/app@${multi.index.digest}`,
        predicate: 'predicate.json',
        type: 'custom',
        key: KEY,
        'key-password': 'pw',
        'signing-config': 'offline-signing-config.json',
      },
      false,
    );
    expect(errorLines(attested)).toEqual([]);
    expect(attested.calls).toHaveLength(3);
    for (const call of attested.calls) {
      expect(call.argv[0]).toBe('attest');
      expect(call.argv).toContain('--signing-config');
      expect(call.argv).not.toContain('--trusted-root');
    }
    expect(attested.summary).toContain('key-based, no transparency-log entry');
  });
});

describe('signing-config and trusted-root: bad files are refused with one line, before cosign runs', () => {
  const cases: [string, string, string, RegExp][] = [
    ['signing-config', 'missing.json', 'sign', /^Input 'signing-config': "missing.json" does not exist\.$/],
    [
      'signing-config',
      'a-directory.json',
      'sign',
      /^Input 'signing-config': "a-directory.json" is not a file\.$/,
    ],
    [
      'signing-config',
      'not-json.json',
      'attest',
      /^Input 'signing-config': .*not-json\.json is not JSON \(.*\); give a Sigstore signing config\.$/,
    ],
    [
      'signing-config',
      'wrong-media-type.json',
      'sign',
      /^Input 'signing-config': .*wrong-media-type\.json has mediaType "application\/vnd\.dev\.sigstore\.signingconfig\.v0\.1\+json"; cosign v3 reads only "application\/vnd\.dev\.sigstore\.signingconfig\.v0\.2\+json" \(as `cosign signing-config create` writes\)\.$/,
    ],
    [
      'trusted-root',
      'signing-config.json',
      'attest',
      /^Input 'trusted-root': .*signing-config\.json has mediaType "application\/vnd\.dev\.sigstore\.signingconfig\.v0\.2\+json"; cosign v3 reads only "application\/vnd\.dev\.sigstore\.trustedroot\+json;version=0\.1" \(as `cosign trusted-root create` writes\)\.$/,
    ],
  ];
  it.each(cases)('%s %s (%s)', async (input, file, action, message) => {
    const inputs: Record<string, string> =
      action === 'sign'
        ? { images: `${registry.host}/private/app@${multi.index.digest}` }
        : { subject: `${registry.host}/private/app@${multi.index.digest}`, predicate: 'predicate.json' };
    inputs[input] = file;
    const result = await run(action as 'sign' | 'attest', inputs);
    expect(result.exitCode).not.toBe(0);
    expect(result.calls).toEqual([]);
    const errors = errorLines(result);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });
});
