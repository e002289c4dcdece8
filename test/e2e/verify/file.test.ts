import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { bundleToJSON } from '@sigstore/bundle';
import { MessageSignatureBundleBuilder } from '@sigstore/sign';
import { createHash, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerVerify } from '../../../packages/cli/src/commands/verify.js';
import { captureCli, readCalls, useFakeTools } from '../../harness/run-cli.js';
import { startSigstore, type Sigstore } from '../../harness/sigstore.js';
import { signBlob } from './blob-helpers.js';
import { runWithFakes } from '../sign/helpers.js';
import { OUR_COMMIT, reusableClaims, workflowClaims } from './helpers.js';

/**
 * A release file verified through `release-actions verify --file`, with both engines on the same
 * bundles: message signatures made through the Sigstore stand-in (real certificates, Rekor
 * entries and timestamps), verified natively with @sigstore/verify, and by the fake cosign's
 * verify-blob, which reads the same certificates (test/fakes/cosign-verify-blob.mjs).
 */
const REPOSITORY = 'aotanami/aotanami';
const OURS_REGEXP =
  '^https://github\\.com/aotanami/release-actions/\\.github/workflows/release\\.yml@(refs/tags/v[^@\\s]*|[0-9a-f]{40})$';
const ISSUER = 'https://token.actions.githubusercontent.com';
const GENERIC_BUILDER =
  'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml';

interface Report {
  verdict: string;
  digest: string;
  file?: { path: string; sha256: string; bundle: string; checksums?: string; provenancePath?: string };
  checks: string[];
  results: {
    check: string;
    status: string;
    reason?: string;
    subject: string;
    claims?: { claim: string; wanted: string; seen?: string; ok: boolean }[];
    rekor?: { logIndex?: number };
  }[];
  commands: string[];
}

let sigstore: Sigstore;
let dir: string;
let trustedRoot: string;
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Writes `name` with `content` into its own directory and signs it as `claims`; returns its path. */
async function release(
  name: string,
  content: string,
  claims = reusableClaims(REPOSITORY),
): Promise<{ file: string; bundle: string }> {
  const sub = mkdtempSync(path.join(dir, 'release-'));
  const file = path.join(sub, name);
  writeFileSync(file, content);
  const bundle = `${file}.sigstore.json`;
  writeFileSync(bundle, JSON.stringify(await signBlob(sigstore, Buffer.from(content), claims)));
  return { file, bundle };
}

beforeAll(async () => {
  sigstore = await startSigstore();
  dir = mkdtempSync(path.join(os.tmpdir(), 'verify-file-'));
  trustedRoot = path.join(dir, 'trusted_root.json');
  writeFileSync(trustedRoot, JSON.stringify(sigstore.trustedRoot));
}, 60_000);

afterAll(async () => {
  await sigstore?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const { stdout, stderr, run: cli } = captureCli([registerVerify], ['--quiet', 'verify']);
let log: string;

beforeEach(() => {
  log = useFakeTools('verify-file-').log;
});

async function verifyFile(
  engine: 'native' | 'cosign',
  args: string[],
): Promise<{ code: number; report: Report; stderr: string }> {
  stdout.length = 0;
  stderr.length = 0;
  const code = await cli(
    ...args,
    '--repository',
    REPOSITORY,
    '--engine',
    engine,
    '--trusted-root',
    trustedRoot,
    '--format',
    'json',
  );
  const text = stdout.join('');
  return { code, report: (text === '' ? {} : JSON.parse(text)) as Report, stderr: stderr.join('') };
}

const cosignCalls = () =>
  readCalls(log)
    .filter((c) => c.tool === 'cosign' && c.argv[0] !== 'version')
    .map((c) => c.argv);

describe.each(['native', 'cosign'] as const)('release-actions verify --file, %s engine', (engine) => {
  it('passes a file signed by our reusable workflow for the publisher at a v-tag, showing the file, its sha256, the bundle and every claim', async () => {
    const { file, bundle } = await release('app-linux-amd64', 'the binary\n');
    const { code, report } = await verifyFile(engine, ['--file', file]);
    expect(report.results.map((r) => [r.check, r.status, r.reason])).toEqual([
      ['signature', 'passed', undefined],
    ]);
    expect(code).toBe(0);
    expect(report.file).toEqual({ path: file, sha256: sha256('the binary\n'), bundle });
    expect(report.digest).toBe(`sha256:${sha256('the binary\n')}`);
    expect(report.results[0]?.subject).toBe(`app-linux-amd64@sha256:${sha256('the binary\n')}`);
    const claims = Object.fromEntries(
      (report.results[0]?.claims ?? []).map((c) => [c.claim, [c.seen, c.ok]]),
    );
    expect(claims).toEqual({
      identity: [
        'https://github.com/aotanami/release-actions/.github/workflows/release.yml@refs/tags/v1.4.0',
        true,
      ],
      issuer: [ISSUER, true],
      repository: [REPOSITORY, true],
      'source-ref': ['refs/tags/v2.0.0', true],
    });
    expect(report.commands).toEqual([
      `cosign verify-blob --bundle ${bundle} --certificate-identity-regexp '${OURS_REGEXP}' --certificate-oidc-issuer ${ISSUER} --certificate-github-workflow-repository ${REPOSITORY} --trusted-root ${trustedRoot} ${file}`,
    ]);
    if (engine === 'cosign') {
      // cosign matches the ref only exactly: it is told the one the bundle's certificate names.
      expect(cosignCalls()).toEqual([
        [
          'verify-blob',
          '--bundle',
          bundle,
          '--certificate-identity-regexp',
          OURS_REGEXP,
          '--certificate-oidc-issuer',
          ISSUER,
          '--certificate-github-workflow-repository',
          REPOSITORY,
          '--certificate-github-workflow-ref',
          'refs/tags/v2.0.0',
          '--trusted-root',
          trustedRoot,
          file,
        ],
      ]);
    } else expect(cosignCalls()).toEqual([]);
  });

  it('refuses another file with the same bundle, and the file altered after signing', async () => {
    const { file, bundle } = await release('app', 'genuine\n');
    const other = path.join(path.dirname(file), 'other');
    writeFileSync(other, 'another file\n');
    const another = await verifyFile(engine, ['--file', other, '--bundle', bundle]);
    expect(another.code).toBe(1);
    expect(another.report.results[0]?.status).toBe('failed');
    writeFileSync(file, 'genuine, altered\n');
    const altered = await verifyFile(engine, ['--file', file]);
    expect(altered.code).toBe(1);
    for (const reason of [another.report.results[0]?.reason, altered.report.results[0]?.reason]) {
      expect(reason).toMatch(
        engine === 'native'
          ? /signs another file \(sha256 [0-9a-f]{64}; .* is [0-9a-f]{64}\)/
          : /cosign rejected the signature: failed to verify signature: could not verify message/,
      );
    }
  });

  it.each([
    [
      'a lookalike repository',
      reusableClaims('aotanami/aotanami-evil'),
      'repository claim mismatch: saw aotanami/aotanami-evil, wanted aotanami/aotanami',
    ],
    [
      'a branch of the publisher',
      reusableClaims(REPOSITORY, 'refs/tags/v1.4.0', 'refs/heads/main'),
      'source ref refs/heads/main does not match refs/tags/v*',
    ],
    [
      'the publisher’s own workflow instead of ours',
      workflowClaims(REPOSITORY),
      `identity mismatch: saw https://github.com/aotanami/aotanami/.github/workflows/release.yml@refs/tags/v2.0.0, wanted pattern ${OURS_REGEXP}`,
    ],
  ])('refuses a bundle by %s (exit 1)', async (_name, claims, reason) => {
    const { file } = await release('tool', 'tool\n', claims);
    const { code, report } = await verifyFile(engine, ['--file', file]);
    expect(code).toBe(1);
    expect(report.results[0]?.reason).toBe(reason);
  });

  it('refuses a workflow commit other than the one pinned (a claim cosign has no flag for)', async () => {
    const { file } = await release('pinned', 'pinned\n');
    const other = 'f'.repeat(40);
    const { code, report } = await verifyFile(engine, ['--file', file, '--workflow-commit', other]);
    expect(code).toBe(1);
    expect(report.results[0]?.reason).toBe(`workflow commit ${OUR_COMMIT} is not ${other}`);
  });

  it('fails a file without its bundle with one line naming the bundle path it looked for, running nothing', async () => {
    const sub = mkdtempSync(path.join(dir, 'unsigned-'));
    const file = path.join(sub, 'unsigned');
    writeFileSync(file, 'unsigned\n');
    const { code, report, stderr: err } = await verifyFile(engine, ['--file', file]);
    expect(code).toBe(1);
    expect(err).not.toContain('IDENTITY_MISMATCH');
    expect(report.results[0]?.reason).toBe(
      `no bundle at ${file}.sigstore.json (cosign sign-blob --bundle writes it beside ${file}; name another with bundle)`,
    );
    // The verdict's one line (after the check's own warning) names the path looked at.
    expect(err.trim().split('\n').pop()).toBe(
      `release-actions: verification of ${file} failed: signature: no bundle at ${file}.sigstore.json (cosign sign-blob --bundle writes it beside ${file}; name another with bundle)`,
    );
    expect(cosignCalls()).toEqual([]);
  });

  it('verifies through a signed checksums file that lists the file under its base name, and refuses what it does not list', async () => {
    const sub = mkdtempSync(path.join(dir, 'checksums-'));
    const file = path.join(sub, 'app.tar.gz');
    writeFileSync(file, 'archive\n');
    const checksums = path.join(sub, 'checksums.txt');
    const text = `${sha256('other\n')}  other.tar.gz\n${sha256('archive\n')}  app.tar.gz\n`;
    writeFileSync(checksums, text);
    writeFileSync(
      `${checksums}.sigstore.json`,
      JSON.stringify(await signBlob(sigstore, Buffer.from(text), reusableClaims(REPOSITORY))),
    );
    const good = await verifyFile(engine, ['--file', file, '--checksums', checksums]);
    expect(good.report.results.map((r) => [r.status, r.reason])).toEqual([['passed', undefined]]);
    expect(good.code).toBe(0);
    expect(good.report.file).toEqual({
      path: file,
      sha256: sha256('archive\n'),
      bundle: `${checksums}.sigstore.json`,
      checksums,
    });
    expect(good.report.commands[1]).toBe(`sha256sum --ignore-missing --check ${checksums}`);
    writeFileSync(file, 'archive, altered\n');
    const altered = await verifyFile(engine, ['--file', file, '--checksums', checksums]);
    expect(altered.code).toBe(1);
    expect(altered.report.results[0]?.reason).toBe(
      `${checksums} lists app.tar.gz with sha256 ${sha256('archive\n')}; ${file} is ${sha256('archive, altered\n')} (altered, or another file)`,
    );
    const unlisted = path.join(sub, 'unlisted.bin');
    writeFileSync(unlisted, 'x');
    const missing = await verifyFile(engine, ['--file', unlisted, '--checksums', checksums]);
    expect(missing.code).toBe(1);
    expect(missing.report.results[0]?.reason).toBe(`${checksums} does not list unlisted.bin`);
  });
});

describe('release-actions verify --file: provenance and bad input', () => {
  it('checks the provenance with slsa-verifier verify-artifact and the generic generator', async () => {
    const { file } = await release('with-provenance', 'built\n');
    const provenance = path.join(path.dirname(file), 'with-provenance.intoto.jsonl');
    writeFileSync(provenance, '{}\n');
    process.env.FAKE_SLSA_VERIFIER_STDERR = `Verified build using builder "${GENERIC_BUILDER}" at commit ${'a'.repeat(40)}\nPASSED: SLSA verification passed`;
    const { code, report } = await verifyFile('native', [
      '--file',
      file,
      '--provenance-path',
      provenance,
      '--source-ref',
      'refs/tags/v2.0.0',
    ]);
    expect(report.results.map((r) => [r.check, r.status])).toEqual([
      ['signature', 'passed'],
      ['provenance', 'passed'],
    ]);
    expect(code).toBe(0);
    const slsa = readCalls(log).filter((c) => c.tool === 'slsa-verifier' && c.argv[0] !== 'version');
    expect(slsa.map((c) => c.argv)).toEqual([
      [
        'verify-artifact',
        file,
        '--provenance-path',
        provenance,
        '--source-uri',
        `github.com/${REPOSITORY}`,
        '--builder-id',
        GENERIC_BUILDER,
        '--source-tag',
        'v2.0.0',
      ],
    ]);
  });

  it.each([
    [
      ['--file', 'x', 'registry.example/app@sha256:' + '0'.repeat(64)],
      /give an image or --file <path>, not both/,
    ],
    [[], /give an image or --file <path>; neither was given/],
    [['registry.example/app:v1', '--checksums', 'c.txt'], /--checksums: only with --file/],
    [['--file', '__FILE__', '--checks', 'sbom-spdx'], /--checks: sbom-spdx not accepted for a file/],
    [
      ['--file', '__FILE__', '--checks', 'signature,provenance'],
      /provenance of a file needs provenance-path/,
    ],
  ])('refuses %j with one line (exit 2)', async (args, message) => {
    const file = path.join(dir, 'input-file');
    writeFileSync(file, 'x');
    const code = await cli(...args.map((a) => (a === '__FILE__' ? file : a)), '--repository', REPOSITORY);
    expect(code).toBe(2);
    const err = stderr.join('');
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(message);
    expect(readCalls(log)).toEqual([]);
  });
});

describe('release-actions verify --file: size and keys', () => {
  it('verifies a file of several chunks natively, and refuses one over 2 GiB before reading it', async () => {
    const content = Buffer.alloc(3 * 1024 * 1024 + 17, 'x').toString();
    const { file } = await release('big', content);
    const { code, report } = await verifyFile('native', ['--file', file]);
    expect(report.results.map((r) => r.status)).toEqual(['passed']);
    expect(report.file?.sha256).toBe(sha256(content));
    expect(code).toBe(0);
    const huge = path.join(path.dirname(file), 'huge');
    writeFileSync(huge, '');
    truncateSync(huge, 2 * 1024 * 1024 * 1024 + 1);
    const refused = await verifyFile('native', ['--file', huge]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr.trim()).toMatch(
      /--file: .*is 2147483649 bytes, over the limit; give a release file: a regular file of at most 2048 MiB\.$/,
    );
  });

  it.each(['native', 'cosign'] as const)(
    'verifies a file signed with a key (--key, no transparency log) with the %s engine, and refuses another key',
    async (engine) => {
      const sub = mkdtempSync(path.join(dir, 'key-'));
      const file = path.join(sub, 'keyed');
      writeFileSync(file, 'keyed\n');
      const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const pem = keys.publicKey.export({ format: 'pem', type: 'spki' }).toString();
      const builder = new MessageSignatureBundleBuilder({
        signer: {
          sign: async (data: Buffer) => ({
            signature: cryptoSign('sha256', data, keys.privateKey),
            key: { $case: 'publicKey', publicKey: pem, hint: 'k' },
          }),
        },
        witnesses: [],
      });
      const bundle = await builder.create({ data: Buffer.from('keyed\n') });
      writeFileSync(`${file}.sigstore.json`, JSON.stringify(bundleToJSON(bundle)));
      const key = path.join(sub, 'cosign.pub');
      writeFileSync(key, pem);
      const args = ['--file', file, '--key', key, '--transparency-log', 'skip'];
      const good = await verifyFile(engine, args);
      expect(good.report.results.map((r) => [r.status, r.reason])).toEqual([['passed', undefined]]);
      expect(good.code).toBe(0);
      if (engine === 'native') {
        const other = path.join(sub, 'other.pub');
        writeFileSync(
          other,
          generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
            format: 'pem',
            type: 'spki',
          }),
        );
        const refused = await verifyFile(engine, [
          '--file',
          file,
          '--key',
          other,
          '--transparency-log',
          'skip',
        ]);
        expect(refused.code).toBe(1);
        expect(refused.report.results[0]?.reason).toMatch(/^bundle does not verify with the key given/);
      } else {
        expect(cosignCalls()[0]).toEqual([
          'verify-blob',
          '--bundle',
          `${file}.sigstore.json`,
          '--key',
          key,
          '--insecure-ignore-tlog=true',
          '--trusted-root',
          trustedRoot,
          file,
        ]);
      }
    },
  );
});

describe('release-actions verify --file --emit commands', () => {
  it("prints the consumer's commands for the file, reading its SHA-256 and verifying nothing", async () => {
    const sub = mkdtempSync(path.join(dir, 'emit-'));
    const file = path.join(sub, 'app');
    writeFileSync(file, 'app\n');
    const code = await cli(
      '--file',
      file,
      '--checksums',
      path.join(sub, 'app'),
      '--repository',
      REPOSITORY,
      '--source-ref',
      'refs/tags/v2.0.0',
      '--emit',
      'commands',
      '--format',
      'json',
    );
    expect(code).toBe(0);
    const emitted = JSON.parse(stdout.join('')) as { digest: string; commands: string };
    expect(emitted.digest).toBe(`sha256:${sha256('app\n')}`);
    expect(emitted.commands).toContain(
      `release-actions verify --file ${file} --checksums ${file} --repository ${REPOSITORY} --source-ref refs/tags/v2.0.0`,
    );
    expect(emitted.commands).toContain(`cosign verify-blob --bundle ${file}.sigstore.json`);
    expect(emitted.commands).toContain(`sha256sum --ignore-missing --check ${file}`);
    expect(readCalls(log)).toEqual([]);
  });
});

describe('verify action with file', () => {
  it('verifies a release file in the workspace natively, with the file, sha256 and bundle in the report output and the summary', async () => {
    const workspace = mkdtempSync(path.join(dir, 'workspace-'));
    const file = path.join(workspace, 'app-linux-arm64');
    writeFileSync(file, 'arm64 binary\n');
    writeFileSync(
      `${file}.sigstore.json`,
      JSON.stringify(await signBlob(sigstore, Buffer.from('arm64 binary\n'), reusableClaims(REPOSITORY))),
    );
    const root = path.join(workspace, 'trusted_root.json');
    writeFileSync(root, JSON.stringify(sigstore.trustedRoot));
    const run = await runWithFakes('verify', {
      workspace,
      inputs: { file, repository: REPOSITORY, engine: 'native', 'trusted-root': root },
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.outputs['digest']).toBe(`sha256:${sha256('arm64 binary\n')}`);
    const report = JSON.parse(run.outputs['report'] ?? '{}') as Report;
    expect(report.verdict).toBe('passed');
    expect(report.checks).toEqual(['signature']);
    expect(report.file).toEqual({
      path: file,
      sha256: sha256('arm64 binary\n'),
      bundle: `${file}.sigstore.json`,
    });
    expect(run.summary).toContain(
      `File: ${file} sha256:${sha256('arm64 binary\n')}; bundle ${file}.sigstore.json.`,
    );
    expect(run.summary).toContain(
      `release-actions verify --file ${file} --repository ${REPOSITORY} --engine native`,
    );
  }, 60_000);

  it.each([
    [{}, 'give image or file; neither was given.'],
    [{ image: 'registry.example/app:v1', file: '__FILE__' }, 'give image or file, not both.'],
    [
      { image: 'registry.example/app:v1', checksums: '__FILE__' },
      'only with file (a release file to verify).',
    ],
  ])('refuses %j with one error line naming the input', async (inputs, message) => {
    const workspace = mkdtempSync(path.join(dir, 'workspace-'));
    const file = path.join(workspace, 'f');
    writeFileSync(file, 'x');
    const run = await runWithFakes('verify', {
      workspace,
      inputs: {
        repository: REPOSITORY,
        ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v === '__FILE__' ? file : v])),
      },
    });
    expect(run.exitCode).toBe(1);
    const errors = run.stdout.split('\n').filter((line) => line.startsWith('::error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
    expect(run.calls).toEqual([]);
  });
});

describe('verify action with file, cosign engine', () => {
  it('passes through the shipped bundle with cosign verify-blob pinned to the certificate ref', async () => {
    const workspace = mkdtempSync(path.join(dir, 'workspace-'));
    const file = path.join(workspace, 'app');
    writeFileSync(file, 'app\n');
    writeFileSync(
      `${file}.sigstore.json`,
      JSON.stringify(await signBlob(sigstore, Buffer.from('app\n'), reusableClaims(REPOSITORY))),
    );
    const run = await runWithFakes('verify', { workspace, inputs: { file, repository: REPOSITORY } });
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.outputs['report'] ?? '{}') as Report;
    expect(report.results.map((r) => [r.status, r.reason])).toEqual([['passed', undefined]]);
    expect(run.exitCode).toBe(0);
    const blob = run.calls.find((c) => c.tool === 'cosign' && c.argv[0] === 'verify-blob');
    expect(blob?.argv).toContain('--certificate-github-workflow-ref');
  }, 60_000);
});
