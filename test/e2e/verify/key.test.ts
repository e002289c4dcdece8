import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RegistryClient } from '@release-actions/oci';
import { silentLogger } from '@release-actions/core';
import { verifyRelease, type CheckName, type VerifyOptions } from '@release-actions/verify';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Layout, type BuiltIndex } from '../../harness/images.js';
import { type Registry } from '../../harness/registry.js';
import { type Sigstore } from '../../harness/sigstore.js';
import { errorLines, runWithFakes } from '../sign/helpers.js';
import {
  keySignAndAttach,
  reusableClaims,
  signAndAttach,
  subjects,
  startVerifyStage,
  type VerifyStage,
} from './helpers.js';

/**
 * Key-based verification of signatures made offline (a key, a signing config with no
 * transparency log): both engines check them against the key given, accept a missing log entry
 * only with transparency-log skip (refused without a key), and fail a different key.
 * Native: real cryptography (bundles signed with a P-256 key as cosign signs them). cosign: the
 * fake, which answers --key as cosign v3.1.3 does (test/real/cosign-key.test.ts runs the real one).
 */
const REPOSITORY = 'aotanami/aotanami';
const CHECKS: CheckName[] = ['signature', 'sbom-spdx', 'sbom-cyclonedx'];

let registry: Registry;
let sigstore: Sigstore;
let layout: Layout;
let index: BuiltIndex;
let dir: string;
let publicKey: string;
let otherKey: string;
let privateKeyFile: string;
let trustedRoot: string;
const client = new RegistryClient({
  retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1, deadlineMs: 1000 },
});

let stage: VerifyStage | undefined;

beforeAll(async () => {
  stage = await startVerifyStage('verify-key-');
  ({ registry, sigstore, layout, dir, trustedRoot } = stage);
  index = layout.index('1.0', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ]);
  layout.image('keyless', { os: 'linux', architecture: 'amd64' }, 'keyless\n');
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  publicKey = path.join(dir, 'cosign.pub');
  otherKey = path.join(dir, 'other.pub');
  privateKeyFile = path.join(dir, 'cosign.key');
  writeFileSync(publicKey, keys.publicKey.export({ format: 'pem', type: 'spki' }));
  writeFileSync(otherKey, other.publicKey.export({ format: 'pem', type: 'spki' }));
  writeFileSync(privateKeyFile, keys.privateKey.export({ format: 'pem', type: 'pkcs8' }));

  await layout.push('1.0', registry.host, 'offline/app');
  const resolved = await client.resolve(`${registry.host}/offline/app:1.0`);
  const [top, ...platforms] = subjects(resolved);
  await keySignAndAttach(keys, client, top!, ['signature']);
  for (const platform of platforms) await keySignAndAttach(keys, client, platform);

  await layout.push('keyless', registry.host, 'offline/keyless', { destTag: '1.0' });
  const keyless = await client.resolve(`${registry.host}/offline/keyless:1.0`);
  await signAndAttach(sigstore, client, subjects(keyless)[0]!, {
    claims: reusableClaims(REPOSITORY),
    kinds: ['signature'],
  });
}, 120_000);

afterAll(async () => {
  await stage?.stop();
});

function nativeVerify(options: Partial<VerifyOptions>, image = `${registry.host}/offline/app:1.0`) {
  return verifyRelease({
    image,
    identity: { repository: REPOSITORY, signer: 'reusable-workflow' },
    checks: CHECKS,
    engine: 'native',
    client,
    logger: silentLogger,
    ...options,
  });
}

describe('native engine, key-based', () => {
  it('passes every check of the index and its platforms with the key and transparency-log skip', async () => {
    const report = await nativeVerify({ key: publicKey, transparencyLog: 'skip' });
    expect(report.results.map((r) => [r.check, r.platform ?? 'index', r.status, r.reason])).toEqual([
      ['signature', 'index', 'passed', undefined],
      ['signature', 'linux/amd64', 'passed', undefined],
      ['sbom-spdx', 'linux/amd64', 'passed', undefined],
      ['sbom-cyclonedx', 'linux/amd64', 'passed', undefined],
      ['signature', 'linux/arm64', 'passed', undefined],
      ['sbom-spdx', 'linux/arm64', 'passed', undefined],
      ['sbom-cyclonedx', 'linux/arm64', 'passed', undefined],
    ]);
    expect(report.verdict).toBe('passed');
    expect(report.policy.key).toBe(publicKey);
    expect(report.policy.transparencyLog).toBe('skip');
    // The commands a consumer would run: the key, the opt-out, no identity flags.
    expect(report.commands[0]).toContain(
      `cosign verify --key ${publicKey} --insecure-ignore-tlog=true -o json`,
    );
    expect(report.commands.join('\n')).not.toContain('--certificate-identity-regexp');
  });

  it('fails every check with a different key', async () => {
    const report = await nativeVerify({ key: otherKey, transparencyLog: 'skip' });
    expect(report.verdict).toBe('failed');
    for (const result of report.results) {
      expect(result.status).toBe('failed');
      expect(result.reason).toMatch(
        /^bundle does not verify with the key given \(signed with another key, or altered\)/,
      );
    }
  });

  it('fails a signature no log holds unless transparency-log is skip, saying so', async () => {
    const report = await nativeVerify({ key: publicKey, trustedRoot });
    expect(report.verdict).toBe('failed');
    for (const result of report.results) {
      expect(result.reason).toBe(
        'the bundle has no transparency-log entry: it was signed offline and no log holds it; such a signature is accepted only with the key and transparency-log skip',
      );
    }
  });

  it('fails a keyless (certificate) bundle when a key is asked for', async () => {
    const report = await nativeVerify(
      { key: publicKey, transparencyLog: 'skip', checks: ['signature'] },
      `${registry.host}/offline/keyless:1.0`,
    );
    expect(report.results[0]?.reason).toBe(
      'the bundle carries a certificate, not a signature by the key given',
    );
  });

  it('refuses transparency-log skip without a key, and a private key as the key, with one line', async () => {
    await expect(nativeVerify({ transparencyLog: 'skip', trustedRoot })).rejects.toThrow(
      "Input 'transparency-log': skip accepts signatures no transparency log holds, which only a key can vouch for; give the key too, or leave it at required.",
    );
    await expect(nativeVerify({ key: privateKeyFile, transparencyLog: 'skip' })).rejects.toThrow(
      `Input 'key': ${privateKeyFile} holds a private key; give the public key (cosign.pub), never the private one.`,
    );
    await expect(nativeVerify({ key: trustedRoot, transparencyLog: 'skip' })).rejects.toThrow(
      `Input 'key': ${trustedRoot} is not a PEM public key; give the public key cosign generate-key-pair wrote (cosign.pub).`,
    );
  });
});

describe('cosign engine, key-based (the verify action with the fake cosign)', () => {
  const image = () => `${registry.host}/offline/app:1.0`;
  const run = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
    runWithFakes('verify', {
      workspace: dir,
      inputs: { image: image(), repository: REPOSITORY, checks: CHECKS.join(','), ...inputs },
      env: { FAKE_COSIGN_UNLOGGED: '1', FAKE_COSIGN_SIGNED_KEY: publicKey, ...env },
    });

  it('passes with the key and transparency-log skip: cosign gets --key and --insecure-ignore-tlog=true only', async () => {
    const result = await run({ key: 'cosign.pub', 'transparency-log': 'skip' });
    expect(errorLines(result)).toEqual([]);
    expect(result.outputs.verified).toBe('true');
    const digests = [index.index.digest, ...index.manifests.map((m) => m.digest)];
    const reference = (digest: string) => `${registry.host}/offline/app@${digest}`;
    const keyFlags = ['--key', publicKey, '--insecure-ignore-tlog=true'];
    const calls = result.calls.map((c) => c.argv).filter((argv) => argv[0] !== 'version');
    expect(calls).toEqual([
      ['verify', ...keyFlags, '-o', 'json', reference(digests[0]!)],
      ...digests.slice(1).flatMap((digest) => [
        ['verify', ...keyFlags, '-o', 'json', reference(digest)],
        ['verify-attestation', '--type', 'spdxjson', ...keyFlags, reference(digest)],
        ['verify-attestation', '--type', 'cyclonedx', ...keyFlags, reference(digest)],
      ]),
    ]);
    expect(result.summary).toContain(
      `signed with the key ${publicKey} (no certificate identity; no transparency-log entry required)`,
    );
  });

  it('fails with a different key, naming the key as the reason', async () => {
    const result = await run({ key: 'other.pub', 'transparency-log': 'skip' });
    expect(result.outputs.verified).toBe('false');
    expect(errorLines(result)).toEqual([
      expect.stringMatching(
        /: signature: the signature does not verify with the key given \(signed with another key, or altered\)$/,
      ),
    ]);
  });

  it('fails an unlogged signature without the opt-out, saying so', async () => {
    const result = await run({ key: 'cosign.pub', 'trusted-root': 'trusted_root.json' });
    expect(result.outputs.verified).toBe('false');
    expect(result.calls.find((c) => c.argv[0] === 'verify')?.argv).toEqual([
      'verify',
      '--key',
      publicKey,
      '--trusted-root',
      trustedRoot,
      '-o',
      'json',
      `${registry.host}/offline/app@${index.index.digest}`,
    ]);
    expect(errorLines(result)[0]).toMatch(
      /: signature: the signature has no verified transparency-log entry \(signed offline, or in a log the trusted root does not name\); a signature no log holds is accepted only with the key and transparency-log skip$/,
    );
  });

  it('refuses transparency-log skip without key before running anything', async () => {
    const result = await run({ 'transparency-log': 'skip' });
    expect(result.exitCode).not.toBe(0);
    expect(result.calls).toEqual([]);
    expect(errorLines(result)).toEqual([
      "Input 'transparency-log': skip accepts signatures no transparency log holds, which only a key can vouch for; give the key too, or leave it at required.",
    ]);
  });
});
