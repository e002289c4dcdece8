import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Layout, type BuiltIndex, type Descriptor } from '../../harness/images.js';
import { startRegistry, type Registry } from '../../harness/registry.js';
import { errorLines, json, notices, runWithFakes, visibleText } from './helpers.js';

/**
 * The sign action as the runner runs it (dist/sign/index.js), with the fake cosign on PATH and a
 * real docker-registry on loopback holding a single image and a two-platform index.
 */
let registry: Registry;
let layout: Layout;
let single: Descriptor;
let multi: BuiltIndex;

beforeAll(async () => {
  registry = await startRegistry();
  layout = new Layout();
  single = layout.image('1.0', { os: 'linux', architecture: 'amd64' }, 'single\n');
  await layout.push('1.0', registry.host, 'team/app');
  multi = layout.index('2.0', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ]);
  await layout.push('2.0', registry.host, 'team/multi');
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  layout?.remove();
});

const bundleName = (repository: string, digest: string) =>
  `${repository.split('/').pop()}-${digest.replace(':', '-')}.sigstore.json`;

describe('sign: keyless, by digest', () => {
  it('resolves a tag to its digest once, signs the digest, and reports the Rekor entry', async () => {
    const run = await runWithFakes('sign', { inputs: { images: `${registry.host}/team/app:1.0` } });
    expect(errorLines(run)).toEqual([]);
    expect(run.exitCode).toBe(0);

    const reference = `${registry.host}/team/app@${single.digest}`;
    const bundle = path.join(run.runnerTemp, 'sigstore-bundles', bundleName('team/app', single.digest));
    expect(run.calls.map((c) => c.argv)).toEqual([['sign', '--yes', '--bundle', bundle, reference]]);
    // The tag never reaches cosign.
    expect(run.log).not.toContain('app:1.0');
    expect(notices(run).some((n) => n.includes(':1.0') && n.includes(single.digest))).toBe(true);

    const written = JSON.parse(readFileSync(bundle, 'utf8'));
    const logIndex = Number(written.verificationMaterial.tlogEntries[0].logIndex);
    expect(written.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(run.outputs.signed).toBe('true');
    expect(json(run.outputs.digests)).toEqual([reference]);
    expect(json(run.outputs.bundles)).toEqual([bundle]);
    expect(json(run.outputs['rekor-log-indexes'])).toEqual([logIndex]);
    expect(json(run.outputs['rekor-urls'])).toEqual([`https://search.sigstore.dev/?logIndex=${logIndex}`]);
    expect(run.summary).toContain('| Image | Digest | Rekor entry |');
    expect(run.summary).toContain(
      `| \`${registry.host}/team/app\` (image) | \`${single.digest}\` | [${logIndex}](https://search.sigstore.dev/?logIndex=${logIndex}) |`,
    );
  });

  it('signs an index and each platform manifest: three cosign calls, three bundles, annotations on each', async () => {
    const run = await runWithFakes('sign', {
      inputs: {
        images: `${registry.host}/team/multi@${multi.index.digest}`,
        annotations: 'org.example/release=2.0\nbuilt-by=ci',
      },
    });
    expect(errorLines(run)).toEqual([]);
    const digests = [multi.index.digest, ...multi.manifests.map((m) => m.digest)];
    const bundles = digests.map((d) =>
      path.join(run.runnerTemp, 'sigstore-bundles', bundleName('team/multi', d)),
    );
    expect(run.calls.map((c) => c.argv)).toEqual(
      digests.map((digest, i) => [
        'sign',
        '--yes',
        '-a',
        'org.example/release=2.0',
        '-a',
        'built-by=ci',
        '--bundle',
        bundles[i],
        `${registry.host}/team/multi@${digest}`,
      ]),
    );
    expect(run.calls.some((c) => c.argv.includes('--recursive') || c.argv.includes('-r'))).toBe(false);
    expect(new Set(bundles).size).toBe(3);
    for (const bundle of bundles) expect(existsSync(bundle)).toBe(true);
    const indexes = json<number[]>(run.outputs['rekor-log-indexes']);
    expect(indexes).toHaveLength(3);
    expect(new Set(indexes).size).toBe(3);
    expect(run.summary).toContain('(linux/amd64)');
    expect(run.summary).toContain('(linux/arm64)');
    expect(run.summary).toContain('(index)');
    // A digest reference is not a tag: no resolution notice.
    expect(notices(run).filter((n) => n.includes('resolved'))).toEqual([]);
  });
});

describe('sign: no OIDC token (pull request from a fork)', () => {
  it('skips with a notice and signed=false', async () => {
    const run = await runWithFakes('sign', {
      oidc: false,
      inputs: { images: `${registry.host}/team/app:1.0` },
    });
    expect(run.exitCode).toBe(0);
    expect(run.calls).toEqual([]);
    expect(run.outputs.signed).toBe('false');
    expect(json(run.outputs.digests)).toEqual([]);
    expect(notices(run).some((n) => n.includes('no OIDC token') && n.includes('id-token: write'))).toBe(true);
    expect(run.summary).toContain('Skipped');
  });

  it('fails with require-signature', async () => {
    const run = await runWithFakes('sign', {
      oidc: false,
      inputs: { images: `${registry.host}/team/app:1.0`, 'require-signature': 'true' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.calls).toEqual([]);
    expect(errorLines(run)).toEqual([expect.stringMatching(/no OIDC token.*require-signature is true/)]);
  });
});

describe('sign: Sigstore faults', () => {
  const rekor502 =
    'Error: signing [x]: uploading to Rekor: POST https://rekor.sigstore.dev/api/v1/log/entries: 502 Bad Gateway\n';

  it('retries cosign after two 502s and succeeds', async () => {
    const run = await runWithFakes('sign', {
      inputs: { images: `${registry.host}/team/app@${single.digest}` },
      env: { FAKE_COSIGN_FAIL_TIMES: '2', FAKE_COSIGN_FAIL_STDERR: rekor502 },
    });
    expect(errorLines(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.calls).toHaveLength(3);
    expect(new Set(run.calls.map((c) => JSON.stringify(c.argv))).size).toBe(1);
    expect(run.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
      expect.stringContaining('transient error (attempt 1)'),
      expect.stringContaining('transient error (attempt 2)'),
    ]);
    expect(run.outputs.signed).toBe('true');
  });

  it('gives up after the bounded number of attempts when the 502s do not stop', async () => {
    const run = await runWithFakes('sign', {
      inputs: { images: `${registry.host}/team/app@${single.digest}` },
      env: { FAKE_COSIGN_FAIL_TIMES: '100', FAKE_COSIGN_FAIL_STDERR: rekor502 },
    });
    expect(run.exitCode).toBe(1);
    expect(run.calls).toHaveLength(8);
    expect(errorLines(run)).toEqual([
      expect.stringMatching(
        /^cosign kept failing with transient errors after 8 attempt\(s\).*502 Bad Gateway/,
      ),
    ]);
    expect(run.outputs.signed).toBeUndefined();
  });

  it('fails at once, with cosign’s reason, on an error that is not transient', async () => {
    const run = await runWithFakes('sign', {
      inputs: { images: `${registry.host}/team/app@${single.digest}` },
      env: {
        FAKE_COSIGN_EXIT: '1',
        FAKE_COSIGN_STDERR:
          'Error: signing [x]: getting signer: getting key from Fulcio: 403 Forbidden: permission denied',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.calls).toHaveLength(1);
    expect(errorLines(run)).toEqual([expect.stringMatching(/^cosign exited with code 1: .*403 Forbidden/)]);
  });

  it('counts a Rekor 409 on a rerun as signed', async () => {
    const run = await runWithFakes('sign', {
      inputs: { images: `${registry.host}/team/app@${single.digest}` },
      env: {
        FAKE_COSIGN_EXIT: '1',
        FAKE_COSIGN_STDERR:
          'Error: signing [x]: [POST /api/v1/log/entries][409] createLogEntryConflict  &{Code:409 Message:"an equivalent entry already exists in the transparency log with UUID 24296fb2"}',
      },
    });
    expect(errorLines(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.calls).toHaveLength(1);
    expect(run.outputs.signed).toBe('true');
    expect(json(run.outputs['rekor-log-indexes'])).toEqual([null]);
    expect(run.summary).toContain('already in the log');
  });
});

describe('sign: bad input', () => {
  it('refuses a malformed reference in one line naming the input, before anything runs', async () => {
    const run = await runWithFakes('sign', { inputs: { images: `${registry.host}/Team/App:1.0` } });
    expect(run.exitCode).toBe(1);
    expect(run.calls).toEqual([]);
    expect(errorLines(run)).toEqual([
      expect.stringMatching(/^Input 'images': invalid image reference .*must be lowercase/),
    ]);
  });

  it('refuses an annotation that is not key=value', async () => {
    const run = await runWithFakes('sign', {
      inputs: { images: `${registry.host}/team/app:1.0`, annotations: 'just-a-word' },
    });
    expect(run.exitCode).toBe(1);
    expect(errorLines(run)).toEqual([
      expect.stringMatching(/^Input 'annotations': "just-a-word" is not a key=value pair/),
    ]);
  });

  it('fails clearly for a tag the registry does not have', async () => {
    const run = await runWithFakes('sign', { inputs: { images: `${registry.host}/team/app:9.9` } });
    expect(run.exitCode).toBe(1);
    expect(run.calls).toEqual([]);
    expect(errorLines(run)).toEqual([
      expect.stringMatching(/team\/app:9\.9 was not found .*unknown tag "9\.9"/),
    ]);
  });
});

describe('sign: key-based', () => {
  it('passes a KMS URI as --key and needs no OIDC token', async () => {
    const run = await runWithFakes('sign', {
      oidc: false,
      inputs: {
        images: `${registry.host}/team/app@${single.digest}`,
        key: 'awskms:///alias/release-signing',
      },
    });
    expect(errorLines(run)).toEqual([]);
    expect(run.calls.map((c) => c.argv.slice(0, 4))).toEqual([
      ['sign', '--yes', '--key', 'awskms:///alias/release-signing'],
    ]);
    expect(run.outputs.signed).toBe('true');
  });

  it('writes a PEM key to a private temporary file, gives the password through the environment, and deletes the file', async () => {
    const pem = [
      '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----',
      'eyJrZGYiOnsibmFtZSI6InNjcnlwdCIsInBhcmFtcyI6eyJOIjo2NTUzNiwiciI6',
      'OCwicCI6MX0sInNhbHQiOiJ0ZXN0LW9ubHkta2V5LW1hdGVyaWFsIn19',
      '-----END ENCRYPTED SIGSTORE PRIVATE KEY-----',
    ].join('\n');
    const run = await runWithFakes('sign', {
      inputs: {
        images: `${registry.host}/team/app@${single.digest}`,
        key: pem,
        'key-password': 'k3y-pa55word',
      },
      env: { FAKE_RECORD_ENV: 'COSIGN_PASSWORD' },
    });
    expect(errorLines(run)).toEqual([]);
    const [call] = run.calls;
    const keyFile = call?.argv[call.argv.indexOf('--key') + 1] ?? '';
    expect(keyFile.startsWith(run.runnerTemp)).toBe(true);
    expect(existsSync(keyFile)).toBe(false);
    expect(call?.env.COSIGN_PASSWORD).toBe('k3y-pa55word');
    expect(JSON.stringify(call?.argv)).not.toContain('k3y-pa55word');
    expect(visibleText(run)).not.toContain('k3y-pa55word');
    expect(visibleText(run)).not.toContain('OCwicCI6MX0sInNhbHQiOiJ0ZXN0LW9ubHkta2V5LW1hdGVyaWFsIn19');
    expect(run.masks).toEqual(
      expect.arrayContaining(['k3y-pa55word', 'OCwicCI6MX0sInNhbHQiOiJ0ZXN0LW9ubHkta2V5LW1hdGVyaWFsIn19']),
    );
  });

  it('deletes the key file when cosign fails too', async () => {
    const pem =
      '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nZmFpbGluZy1rZXktbWF0ZXJpYWwtb25seS1mb3ItdGVzdHM=\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----';
    const run = await runWithFakes('sign', {
      inputs: { images: `${registry.host}/team/app@${single.digest}`, key: pem },
      env: {
        FAKE_COSIGN_EXIT: '1',
        FAKE_COSIGN_STDERR: 'Error: reading key: decrypt: encrypted: decryption failed',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(errorLines(run)).toEqual([
      expect.stringMatching(/^cosign exited with code 1: .*decryption failed/),
    ]);
    const keyFile = run.calls[0]?.argv[run.calls[0].argv.indexOf('--key') + 1] ?? '';
    expect(keyFile).not.toBe('');
    expect(existsSync(keyFile)).toBe(false);
    expect(existsSync(path.dirname(keyFile))).toBe(false);
  });

  it('refuses a key that is neither a KMS URI nor a PEM key, without echoing it', async () => {
    const run = await runWithFakes('sign', {
      inputs: { images: `${registry.host}/team/app@${single.digest}`, key: 'not-a-key-s3cr3t' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.calls).toEqual([]);
    expect(errorLines(run)).toEqual([expect.stringMatching(/^Input 'key': give a KMS URI/)]);
    expect(visibleText(run)).not.toContain('not-a-key-s3cr3t');
  });
});
