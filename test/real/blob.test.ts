import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errors, runBundle, type BundleResult } from '../harness/run-bundle.js';
import { startSigstoreStack, type SigstoreStack, type WorkflowRun } from './harness/sigstore-stack.js';
import { requireRealTools } from './harness/tools.js';

/**
 * Release files signed and attested for real: the shipped sign and attest bundles with the real
 * cosign (sign-blob, attest-blob) against Fulcio, the timestamp authority and Rekor v2 on
 * loopback; each bundle is then checked with `cosign verify-blob` / `verify-blob-attestation`,
 * and the bundle's shape against what the fake cosign writes.
 */

const PUBLISHER = 'aotanami/aotanami';
const RELEASE_REF = 'refs/tags/v2.3.0';
const WORKFLOW = 'aotanami/release-actions/.github/workflows/release.yml@refs/tags/v1.4.0';
const RUN: WorkflowRun = {
  repository: PUBLISHER,
  ref: RELEASE_REF,
  jobWorkflowRef: WORKFLOW,
  jobWorkflowSha: '0123456789abcdef0123456789abcdef01234567',
};

let bin: string;
let stack: SigstoreStack;
let scratch: string;
let workspace: string;

const sha = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');

function isolated(): Record<string, string> {
  const home = mkdtempSync(path.join(scratch, 'home-'));
  return { HOME: home, DOCKER_CONFIG: mkdtempSync(path.join(home, 'docker-')) };
}

function run(name: 'sign' | 'attest', inputs: Record<string, string>): Promise<BundleResult> {
  return runBundle(name, {
    path: [bin],
    workspace,
    timeoutMs: 170_000,
    inputs: {
      'signing-config': 'signing_config.json',
      'trusted-root': 'trusted_root.json',
      'require-signature': 'true',
      ...inputs,
    },
    env: { ...isolated(), ...stack.jobEnv(RUN), RELEASE_ACTIONS_RETRY_DELAY_MS: '200' },
  });
}

function cosign(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      path.join(bin, 'cosign'),
      args,
      { env: { ...isolated(), PATH: process.env.PATH ?? '' }, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : (error.code as number | null), stdout, stderr }),
    );
  });
}

const identity = () => [
  '--certificate-identity',
  `https://github.com/${WORKFLOW}`,
  '--certificate-oidc-issuer',
  stack.issuerUrl,
  '--trusted-root',
  path.join(workspace, 'trusted_root.json'),
];

interface FileBundle {
  file: string;
  bundle: string;
  sha256: string;
  rekorLogIndex?: number;
  predicateType?: string;
}

beforeAll(async () => {
  bin = requireRealTools('cosign');
  scratch = mkdtempSync(path.join(os.tmpdir(), 'blob-real-'));
  workspace = path.join(scratch, 'workspace');
  stack = await startSigstoreStack();
  mkdirSync(path.join(workspace, 'dist'), { recursive: true });
  copyFileSync(stack.trustedRoot, path.join(workspace, 'trusted_root.json'));
  copyFileSync(stack.signingConfig, path.join(workspace, 'signing_config.json'));
  writeFileSync(path.join(workspace, 'dist', 'tool-linux-amd64'), 'a release binary\n');
  writeFileSync(path.join(workspace, 'dist', 'tool.tar.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]));
}, 170_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('release files with the real cosign and the Sigstore on loopback', () => {
  it('sign-blob: one bundle beside each file, of the shape the fake writes, that cosign verify-blob accepts', async () => {
    const result = await run('sign', { files: 'dist/*' });
    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.outputs.signed).toBe('true');
    const bundles = JSON.parse(result.outputs['file-bundles'] ?? '[]') as FileBundle[];
    const files = ['tool-linux-amd64', 'tool.tar.gz'].map((f) => path.join(workspace, 'dist', f));
    expect(bundles.map((b) => [b.file, b.bundle])).toEqual(files.map((f) => [f, `${f}.sigstore.json`]));

    for (const entry of bundles) {
      const bytes = readFileSync(entry.file);
      expect(entry.sha256).toBe(sha(bytes));
      const bundle = JSON.parse(readFileSync(entry.bundle, 'utf8')) as {
        mediaType: string;
        messageSignature?: { messageDigest: { algorithm: string; digest: string } };
        dsseEnvelope?: unknown;
        verificationMaterial: { tlogEntries: { logIndex: string; kindVersion: { kind: string } }[] };
      };
      // What the fake claims: v0.3, a message signature over the file's SHA-256, a hashedrekord entry.
      expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
      expect(bundle.dsseEnvelope).toBeUndefined();
      expect(bundle.messageSignature?.messageDigest).toEqual({
        algorithm: 'SHA2_256',
        digest: Buffer.from(entry.sha256, 'hex').toString('base64'),
      });
      expect(bundle.verificationMaterial.tlogEntries).toHaveLength(1);
      expect(bundle.verificationMaterial.tlogEntries[0]!.kindVersion.kind).toBe('hashedrekord');
      // protobuf's JSON leaves out a zero: the log's first entry has no logIndex.
      expect(entry.rekorLogIndex).toBe(Number(bundle.verificationMaterial.tlogEntries[0]!.logIndex ?? 0));

      const verified = await cosign(['verify-blob', '--bundle', entry.bundle, ...identity(), entry.file]);
      expect(`${verified.code} ${verified.stderr}`).toMatch(/^0 /);
      expect(verified.stderr).toContain('Verified OK');
    }

    // Another file's bytes under the same bundle do not verify.
    const tampered = path.join(scratch, 'tampered');
    writeFileSync(tampered, 'a release binary, changed\n');
    const refused = await cosign(['verify-blob', '--bundle', bundles[0]!.bundle, ...identity(), tampered]);
    expect(refused.code).not.toBe(0);
  });

  it('checksums-file: the sums in sha256sum format, and only that file signed and verified', async () => {
    const result = await run('sign', { files: 'dist/tool*', 'checksums-file': 'dist/checksums.txt' });
    expect(errors(result)).toEqual([]);
    const checksums = path.join(workspace, 'dist', 'checksums.txt');
    const text = readFileSync(checksums, 'utf8');
    expect(text).toBe(
      `${sha(readFileSync(path.join(workspace, 'dist', 'tool-linux-amd64')))}  tool-linux-amd64\n` +
        `${sha(readFileSync(path.join(workspace, 'dist', 'tool.tar.gz')))}  tool.tar.gz\n`,
    );
    const bundles = JSON.parse(result.outputs['file-bundles'] ?? '[]') as FileBundle[];
    expect(bundles).toEqual([
      expect.objectContaining({ file: checksums, bundle: `${checksums}.sigstore.json` }),
    ]);
    const verified = await cosign([
      'verify-blob',
      '--bundle',
      `${checksums}.sigstore.json`,
      ...identity(),
      checksums,
    ]);
    expect(`${verified.code} ${verified.stderr}`).toMatch(/^0 /);
  });

  it('attest-blob: the statement names the file and its SHA-256; verify-blob-attestation accepts it', async () => {
    writeFileSync(
      path.join(workspace, 'provenance.json'),
      JSON.stringify({ buildDefinition: { buildType: 'x' } }),
    );
    const result = await run('attest', {
      files: 'dist/tool-linux-amd64',
      predicate: 'provenance.json',
      type: 'slsaprovenance1',
    });
    expect(errors(result)).toEqual([]);
    const file = path.join(workspace, 'dist', 'tool-linux-amd64');
    const [entry] = JSON.parse(result.outputs['file-bundles'] ?? '[]') as FileBundle[];
    expect(entry?.bundle).toBe(`${file}.slsaprovenance1.sigstore.json`);
    const bundle = JSON.parse(readFileSync(entry!.bundle, 'utf8')) as { dsseEnvelope: { payload: string } };
    const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8')) as {
      subject: unknown;
      predicateType: string;
    };
    // The fake writes the same subject: the base name and the file's SHA-256.
    expect(statement.subject).toEqual([
      { name: 'tool-linux-amd64', digest: { sha256: sha(readFileSync(file)) } },
    ]);
    expect(statement.predicateType).toBe('https://slsa.dev/provenance/v1');
    const verified = await cosign([
      'verify-blob-attestation',
      '--bundle',
      entry!.bundle,
      '--type',
      'slsaprovenance1',
      ...identity(),
      file,
    ]);
    expect(`${verified.code} ${verified.stderr}`).toMatch(/^0 /);
  });
});
