import { afterAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errorLines, json, notices, runWithFakes } from './helpers.js';

/**
 * Release files through the shipped sign and attest bundles, with the fake cosign: sign-blob and
 * attest-blob, each bundle beside its file, the checksums file, and the inputs refused up front.
 */
const scratch = mkdtempSync(path.join(os.tmpdir(), 'sign-files-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let counter = 0;
function workspaceWithFiles(): string {
  const workspace = path.join(scratch, `ws-${++counter}`);
  mkdirSync(path.join(workspace, 'dist'), { recursive: true });
  writeFileSync(path.join(workspace, 'dist', 'app-linux-amd64'), 'amd64\n');
  writeFileSync(path.join(workspace, 'dist', 'app-darwin-arm64'), 'darwin\n');
  writeFileSync(path.join(workspace, 'README.md'), 'not a release file\n');
  return workspace;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

interface FileBundle {
  file: string;
  bundle: string;
  sha256: string;
  rekorLogIndex?: number;
  predicateType?: string;
}

describe('sign: release files', () => {
  it('signs each file matched by the pattern with sign-blob, the bundle beside it, and reports each', async () => {
    const workspace = workspaceWithFiles();
    const run = await runWithFakes('sign', { workspace, inputs: { files: 'dist/*' } });
    expect(errorLines(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    const files = ['app-darwin-arm64', 'app-linux-amd64'].map((f) => path.join(workspace, 'dist', f));
    expect(run.calls.map((c) => c.argv)).toEqual(
      files.map((file) => ['sign-blob', '--yes', '--bundle', `${file}.sigstore.json`, file]),
    );
    const bundles = json<FileBundle[]>(run.outputs['file-bundles']);
    const indexes = files.map((file) =>
      Number(
        JSON.parse(readFileSync(`${file}.sigstore.json`, 'utf8')).verificationMaterial.tlogEntries[0]
          .logIndex,
      ),
    );
    expect(bundles).toEqual([
      {
        file: files[0],
        bundle: `${files[0]}.sigstore.json`,
        sha256: sha('darwin\n'),
        rekorLogIndex: indexes[0],
      },
      {
        file: files[1],
        bundle: `${files[1]}.sigstore.json`,
        sha256: sha('amd64\n'),
        rekorLogIndex: indexes[1],
      },
    ]);
    expect(run.outputs.signed).toBe('true');
    expect(json(run.outputs.digests)).toEqual([]);
    expect(json(run.outputs.bundles)).toEqual(bundles.map((b) => b.bundle));
    expect(json(run.outputs['rekor-urls'])).toEqual(
      indexes.map((i) => `https://search.sigstore.dev/?logIndex=${i}`),
    );
    expect(run.summary).toContain('| File | SHA-256 | Bundle | Rekor entry |');
    expect(run.summary).toContain(`| \`app-linux-amd64\` | \`${sha('amd64\n')}\` |`);

    // A rerun replaces its own bundles; the pattern does not pick them up.
    const again = await runWithFakes('sign', { workspace, inputs: { files: 'dist/*' } });
    expect(errorLines(again)).toEqual([]);
    expect(again.calls).toHaveLength(2);
  });

  it('with checksums-file: writes sha256sum lines and signs only that file', async () => {
    const workspace = workspaceWithFiles();
    const run = await runWithFakes('sign', {
      workspace,
      inputs: {
        files: 'dist/app-linux-amd64\ndist/app-darwin-arm64',
        'checksums-file': 'dist/checksums.txt',
      },
    });
    expect(errorLines(run)).toEqual([]);
    const checksums = path.join(workspace, 'dist', 'checksums.txt');
    const text = readFileSync(checksums, 'utf8');
    expect(text).toBe(`${sha('darwin\n')}  app-darwin-arm64\n${sha('amd64\n')}  app-linux-amd64\n`);
    expect(run.calls.map((c) => c.argv)).toEqual([
      ['sign-blob', '--yes', '--bundle', `${checksums}.sigstore.json`, checksums],
    ]);
    expect(json<FileBundle[]>(run.outputs['file-bundles'])).toEqual([
      expect.objectContaining({ file: checksums, bundle: `${checksums}.sigstore.json`, sha256: sha(text) }),
    ]);
    expect(run.summary).toContain('(sums of 2 file(s))');
  });

  it('refuses no images and no files, a directory, and a file outside the workspace: one line each, nothing run', async () => {
    const workspace = workspaceWithFiles();
    const none = await runWithFakes('sign', { workspace, inputs: {} });
    expect(errorLines(none)).toEqual([
      "Nothing to sign: give 'images' (image references), 'files' (release files), or both.",
    ]);
    const directory = await runWithFakes('sign', { workspace, inputs: { files: 'dist' } });
    expect(errorLines(directory)).toEqual([
      `Input 'files': "dist" is a directory; give a release file to sign (a binary or an archive): a regular file of at most 2048 MiB.`,
    ]);
    const outside = path.join(scratch, 'outside.bin');
    writeFileSync(outside, 'x');
    const escaped = await runWithFakes('sign', { workspace, inputs: { files: '../outside.bin' } });
    expect(errorLines(escaped)).toEqual([
      `Input 'files': "../outside.bin" is outside the workspace ${workspace}; give files inside it.`,
    ]);
    for (const run of [none, directory, escaped]) {
      expect(run.exitCode).not.toBe(0);
      expect(run.calls).toEqual([]);
    }
  });

  it('refuses a file of the user in the place of a bundle', async () => {
    const workspace = workspaceWithFiles();
    const file = path.join(workspace, 'dist', 'app-linux-amd64');
    writeFileSync(`${file}.sigstore.json`, 'notes');
    const run = await runWithFakes('sign', { workspace, inputs: { files: 'dist/app-linux-amd64' } });
    expect(errorLines(run)).toEqual([
      `Input 'files': "${file}.sigstore.json" is in the way of the bundle to write there: it is not a Sigstore bundle. Move it, or sign a copy of the file elsewhere.`,
    ]);
    expect(run.calls).toEqual([]);
    expect(readFileSync(`${file}.sigstore.json`, 'utf8')).toBe('notes');
  });

  it('a fork pull request (no OIDC token): skips with a notice, signed false', async () => {
    const workspace = workspaceWithFiles();
    const run = await runWithFakes('sign', { workspace, oidc: false, inputs: { files: 'dist/*' } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.signed).toBe('false');
    expect(json(run.outputs['file-bundles'])).toEqual([]);
    expect(notices(run).some((n) => n.startsWith('Skipped: no OIDC token'))).toBe(true);
    expect(run.calls).toEqual([]);

    const required = await runWithFakes('sign', {
      workspace,
      oidc: false,
      inputs: { files: 'dist/*', 'require-signature': 'true' },
    });
    expect(required.exitCode).not.toBe(0);
    expect(errorLines(required)[0]).toMatch(/^Cannot sign: no OIDC token/);
  });
});

describe('attest: release files', () => {
  it('attests each file with attest-blob, the bundle <file>.<type>.sigstore.json beside it', async () => {
    const workspace = workspaceWithFiles();
    writeFileSync(
      path.join(workspace, 'provenance.json'),
      JSON.stringify({ buildType: 'https://example.com/b' }),
    );
    const run = await runWithFakes('attest', {
      workspace,
      inputs: { files: 'dist/app-*', predicate: 'provenance.json', type: 'slsaprovenance1' },
    });
    expect(errorLines(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    const predicate = path.join(workspace, 'provenance.json');
    const files = ['app-darwin-arm64', 'app-linux-amd64'].map((f) => path.join(workspace, 'dist', f));
    expect(run.calls.map((c) => c.argv)).toEqual(
      files.map((file) => [
        'attest-blob',
        '--yes',
        '--predicate',
        predicate,
        '--type',
        'slsaprovenance1',
        '--bundle',
        `${file}.slsaprovenance1.sigstore.json`,
        file,
      ]),
    );
    const bundles = json<FileBundle[]>(run.outputs['file-bundles']);
    expect(bundles.map((b) => [b.file, b.bundle, b.sha256, b.predicateType])).toEqual([
      [files[0], `${files[0]}.slsaprovenance1.sigstore.json`, sha('darwin\n'), 'slsaprovenance1'],
      [files[1], `${files[1]}.slsaprovenance1.sigstore.json`, sha('amd64\n'), 'slsaprovenance1'],
    ]);
    const statement = JSON.parse(
      Buffer.from(
        JSON.parse(readFileSync(bundles[1]!.bundle, 'utf8')).dsseEnvelope.payload,
        'base64',
      ).toString('utf8'),
    );
    expect(statement.subject).toEqual([{ name: 'app-linux-amd64', digest: { sha256: sha('amd64\n') } }]);
    expect(statement.predicateType).toBe('https://slsa.dev/provenance/v1');
  });

  it('refuses files without a predicate, and no subject and no files: one line each', async () => {
    const workspace = workspaceWithFiles();
    const run = await runWithFakes('attest', { workspace, inputs: { files: 'dist/app-linux-amd64' } });
    expect(errorLines(run)).toEqual([
      "Input 'files': a file is attested with 'predicate' (and 'type'); give one.",
    ]);
    const none = await runWithFakes('attest', { workspace, inputs: {} });
    expect(errorLines(none)).toEqual([
      "Nothing to sign: give 'subject' (image references), 'files' (release files), or both.",
    ]);
    expect([...run.calls, ...none.calls]).toEqual([]);
  });
});
