import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { install, manifest as pinned, resolveAsset, type Manifest } from '@release-actions/tools';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildAsset, DownloadServer } from '../../harness/download-server.js';
import { repoRoot } from '../../harness/run-bundle.js';
import { runNode, type ProcessResult } from '../../harness/run-cli.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'tools-update-'));
let server: DownloadServer;

beforeAll(async () => {
  server = await DownloadServer.start();
});

afterAll(async () => {
  await server.stop();
  rmSync(scratch, { recursive: true, force: true });
});

let copies = 0;
function manifestCopy(): string {
  const file = path.join(scratch, `manifest-${++copies}.json`);
  copyFileSync(path.join(repoRoot, 'packages', 'tools', 'manifest.json'), file);
  return file;
}

function update(args: string[]): Promise<ProcessResult> {
  return runNode(
    path.join(repoRoot, 'scripts', 'run-ts.mjs'),
    ['packages/tools/scripts/update-manifest.ts', ...args],
    { cwd: repoRoot, env: process.env },
  );
}

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Manifest;

describe('npm run tools:update', () => {
  it('reads a GitHub release checksums file and pins the new version as default, installable through the same host', async () => {
    const platforms = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64'];
    const built = platforms.map((p) => buildAsset('cosign', 'v3.2.0', p));
    for (const b of built) server.put(b.upstreamUrl.replace('https://github.com', ''), b.body);
    const lines = [
      ...built.map((b) => `${b.sha256}  ${b.file}`),
      `${'e'.repeat(64)}  cosign_3.2.0_x86_64.rpm`,
    ];
    server.put(
      '/sigstore/cosign/releases/download/v3.2.0/cosign_checksums.txt',
      Buffer.from(`${lines.join('\n')}\n`),
    );

    const file = manifestCopy();
    const result = await update(['cosign', '3.2.0', '--base-url', server.url, '--manifest', file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`cosign v3.2.0 linux-x64 ${built[0]!.sha256} cosign-linux-amd64\n`);
    expect(result.stdout).toContain('cosign v3.2.0 win32-x64: not in');

    const updated = read(file);
    const cosign = updated.tools.cosign!;
    expect(cosign.default).toBe('v3.2.0');
    expect(Object.keys(cosign.versions)).toEqual(['v3.2.0', 'v3.1.3', 'v3.0.6']);
    expect(cosign.versions['v3.2.0']!['darwin-arm64']).toEqual({
      file: 'cosign-darwin-arm64',
      url: 'https://github.com/sigstore/cosign/releases/download/v3.2.0/cosign-darwin-arm64',
      sha256: built[3]!.sha256,
    });
    expect(cosign.versions['v3.2.0']!['win32-x64']).toBeUndefined();
    // Everything else is untouched.
    expect({ ...updated.tools, cosign: undefined }).toEqual({ ...pinned.tools, cosign: undefined });
    expect(cosign.versions['v3.1.3']).toEqual(pinned.tools.cosign!.versions['v3.1.3']);

    const host = `${process.platform}-${process.arch}`;
    if (platforms.includes(host)) {
      const cache = path.join(scratch, 'cache');
      const temp = path.join(scratch, 'temp');
      mkdirSync(temp, { recursive: true });
      process.env.RUNNER_TOOL_CACHE = cache;
      process.env.RUNNER_TEMP = temp;
      const installed = await install('cosign', { manifest: updated, mirror: server.url });
      expect(installed).toMatchObject({ version: 'v3.2.0', source: 'download' });
    }
  });

  it('reads an Anchore checksums file', async () => {
    const built = buildAsset('syft', 'v1.60.0', 'linux-x64');
    server.put(
      '/anchore/syft/releases/download/v1.60.0/syft_1.60.0_checksums.txt',
      Buffer.from(`${built.sha256}  ${built.file}\n${'d'.repeat(64)}  syft_1.60.0_windows_amd64.zip\n`),
    );
    const file = manifestCopy();
    const result = await update([
      'syft',
      'v1.60.0',
      '--base-url',
      server.url,
      '--manifest',
      file,
      '--no-default',
    ]);
    expect(result.code).toBe(0);
    const syft = read(file).tools.syft!;
    expect(syft.default).toBe('v1.54.1');
    expect(Object.keys(syft.versions['v1.60.0']!).sort()).toEqual(['linux-x64', 'win32-x64']);
    expect(syft.versions['v1.60.0']!['win32-x64']!.sha256).toBe('d'.repeat(64));
  });

  it("reads Helm's per-file .sha256sum files from the Helm host layout", async () => {
    const file = manifestCopy();
    const sums: Record<string, string> = {};
    for (const platform of ['linux-x64', 'darwin-arm64']) {
      const b = buildAsset('helm', 'v4.4.0', platform);
      sums[platform] = b.sha256;
      server.put(`/${b.file}.sha256sum`, Buffer.from(`${b.sha256}  ${b.file}\n`));
    }
    const result = await update(['helm', 'v4.4.0', '--base-url', server.url, '--manifest', file]);
    expect(result.code).toBe(0);
    const helm = read(file).tools.helm!;
    expect(helm.versions['v4.4.0']).toEqual({
      'linux-x64': {
        file: 'helm-v4.4.0-linux-amd64.tar.gz',
        url: 'https://get.helm.sh/helm-v4.4.0-linux-amd64.tar.gz',
        sha256: sums['linux-x64'],
      },
      'darwin-arm64': {
        file: 'helm-v4.4.0-darwin-arm64.tar.gz',
        url: 'https://get.helm.sh/helm-v4.4.0-darwin-arm64.tar.gz',
        sha256: sums['darwin-arm64'],
      },
    });
    expect(result.stdout).toContain('helm v4.4.0 win32-x64: not in');
    expect(resolveAsset('helm', { manifest: read(file), platform: 'linux-x64' }).version).toBe('v4.4.0');
  });

  it('refuses slsa-verifier, which publishes no checksums file, pointing at SHA256SUM.md', async () => {
    const file = manifestCopy();
    const result = await update(['slsa-verifier', 'v2.8.0', '--base-url', server.url, '--manifest', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^tools:update: slsa-verifier releases publish no checksums file\. .*SHA256SUM\.md/,
    );
    expect(readFileSync(file, 'utf8')).toBe(
      readFileSync(path.join(repoRoot, 'packages/tools/manifest.json'), 'utf8'),
    );
  });

  it('refuses a missing release and a published checksum that changed, leaving the manifest as it was', async () => {
    const file = manifestCopy();
    const before = readFileSync(file, 'utf8');
    const missing = await update(['grype', 'v0.999.0', '--base-url', server.url, '--manifest', file]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `${server.url}/anchore/grype/releases/download/v0.999.0/grype_0.999.0_checksums.txt was not found (HTTP 404)`,
    );

    const pinnedLinux = pinned.tools.grype!.versions['v0.120.1']!['linux-x64']!;
    server.put(
      '/anchore/grype/releases/download/v0.120.1/grype_0.120.1_checksums.txt',
      Buffer.from(`${'0'.repeat(64)}  ${pinnedLinux.file}\n`),
    );
    const changed = await update(['grype', 'v0.120.1', '--base-url', server.url, '--manifest', file]);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toContain(
      `grype v0.120.1: published checksums differ from the pinned ones (linux-x64: pinned ${pinnedLinux.sha256}, published ${'0'.repeat(64)}); not updated`,
    );
    expect(readFileSync(file, 'utf8')).toBe(before);

    const usage = await update(['grype']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: npm run tools:update -- <tool> <version>');
  });
});
