import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { registerAttest } from '../../../packages/cli/src/commands/attest.js';
import { registerChart } from '../../../packages/cli/src/commands/chart.js';
import { registerSign } from '../../../packages/cli/src/commands/sign.js';
import { Layout, type BuiltIndex } from '../../harness/images.js';
import { startRegistry, type Registry } from '../../harness/registry.js';
import { repoRoot } from '../../harness/run-bundle.js';
import { captureCli, readCalls, useFakeTools } from '../../harness/run-cli.js';
import { OIDC_ENV, type Call } from './helpers.js';

/** `release-actions sign|attest|chart`, parsed by the real program, with the fake tools and a loopback registry. */
let registry: Registry;
let layout: Layout;
let multi: BuiltIndex;
const { stdout, stderr, run: cli } = captureCli([registerSign, registerAttest, registerChart]);
let dir: string;
let log: string;

beforeAll(async () => {
  registry = await startRegistry();
  layout = new Layout();
  multi = layout.index('5.0', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ]);
  await layout.push('5.0', registry.host, 'cli/app');
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  layout?.remove();
});

beforeEach(() => {
  ({ dir, log } = useFakeTools('sign-cli-'));
  process.env.DOCKER_CONFIG = mkdtempSync(path.join(dir, 'docker-'));
  process.env.RELEASE_ACTIONS_RETRY_DELAY_MS = '5';
  delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
  delete process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
});

const calls = (): Call[] => readCalls(log);

describe('release-actions sign', () => {
  it('signs the index and its platforms by digest and prints JSON', async () => {
    Object.assign(process.env, OIDC_ENV);
    const code = await cli(
      'sign',
      `${registry.host}/cli/app:5.0`,
      '-a',
      'team=web',
      '--bundle-directory',
      dir,
      '--format',
      'json',
    );
    expect(stderr.join('')).not.toMatch(/^release-actions: /m);
    expect(code).toBe(0);
    const digests = [multi.index.digest, ...multi.manifests.map((m) => m.digest)];
    expect(calls().map((c) => c.argv)).toEqual(
      digests.map((d) => [
        'sign',
        '--yes',
        '-a',
        'team=web',
        '--bundle',
        path.join(dir, `app-${d.replace(':', '-')}.sigstore.json`),
        `${registry.host}/cli/app@${d}`,
      ]),
    );
    const result = JSON.parse(stdout.join(''));
    expect(result.signed).toBe(true);
    expect(result.digests).toEqual(digests.map((d) => `${registry.host}/cli/app@${d}`));
    expect(result['rekor-log-indexes']).toHaveLength(3);
    expect(stderr.join('')).toContain('notice: ');
  });

  it('exits 2 without an OIDC token, and skips (exit 0) only with --skip-without-oidc', async () => {
    const image = `${registry.host}/cli/app:5.0`;
    expect(await cli('sign', image)).toBe(2);
    expect(stderr.join('')).toBe(
      'release-actions: keyless signing needs an OIDC token (run in GitHub Actions with id-token: write) or use --key\n',
    );
    expect(stdout.join('')).toBe('');
    // --require-signature is now the default; the old flag still parses.
    stderr.length = 0;
    expect(await cli('sign', image, '--require-signature')).toBe(2);
    expect(stderr.join('')).toContain('keyless signing needs an OIDC token');
    stderr.length = 0;
    expect(await cli('sign', image, '--skip-without-oidc')).toBe(0);
    expect(stdout.join('')).toBe(
      'Signatures: Skipped (--skip-without-oidc): keyless signing needs an OIDC token and there is none; nothing was signed.\n',
    );
    expect(stderr.join('')).toContain('notice: Skipped (--skip-without-oidc)');
    stdout.length = 0;
    expect(
      await cli(
        'attest',
        image,
        '--predicate',
        path.join(repoRoot, 'package.json'),
        '--skip-without-oidc',
        '--format',
        'json',
      ),
    ).toBe(0);
    expect(JSON.parse(stdout.join(''))).toMatchObject({ signed: false, digests: [] });
    expect(await cli('attest', image, '--predicate', path.join(repoRoot, 'package.json'))).toBe(2);
    expect(calls()).toEqual([]);
  });

  it('--signing-config and --trusted-root: checked, named by their flags, passed to cosign', async () => {
    Object.assign(process.env, OIDC_ENV);
    const config = path.join(dir, 'signing-config.json');
    const root = path.join(dir, 'trusted-root.json');
    writeFileSync(
      config,
      JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json' }),
    );
    writeFileSync(
      root,
      JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1' }),
    );
    const image = `${registry.host}/cli/app@${multi.index.digest}`;
    expect(await cli('sign', image, '--signing-config', root)).toBe(2);
    expect(stderr.join('')).toMatch(
      /release-actions: --signing-config: .*trusted-root\.json has mediaType "application\/vnd\.dev\.sigstore\.trustedroot\+json;version=0\.1"; cosign v3 reads only/,
    );
    expect(calls()).toEqual([]);
    const code = await cli(
      'sign',
      image,
      '--signing-config',
      config,
      '--trusted-root',
      root,
      '--bundle-directory',
      dir,
      '--format',
      'json',
    );
    expect(code).toBe(0);
    expect(calls()).toHaveLength(3);
    for (const call of calls()) {
      expect(call.argv.slice(2, 6)).toEqual(['--signing-config', config, '--trusted-root', root]);
    }
    // The config names no transparency log: nothing logged, no public search link.
    const result = JSON.parse(stdout.join(''));
    expect(result['rekor-urls']).toEqual([null, null, null]);
  });

  it('prints the report as text, the same rows as the job summary', async () => {
    Object.assign(process.env, OIDC_ENV);
    const platform = multi.manifests[0]!.digest;
    expect(await cli('sign', `${registry.host}/cli/app@${platform}`, '--bundle-directory', dir)).toBe(0);
    expect(stdout.join('').split('\n')).toEqual([
      'Signatures: 1 digest(s) signed with cosign (keyless: Fulcio certificate, Rekor entry).',
      expect.stringMatching(
        new RegExp(
          `^  ${registry.host}/cli/app \\(image\\)  ${platform}  Rekor entry: \\d+ https://search\\.sigstore\\.dev/\\?logIndex=\\d+$`,
        ),
      ),
      '',
    ]);
  });

  it('exits 2 on a malformed reference', async () => {
    Object.assign(process.env, OIDC_ENV);
    expect(await cli('sign', 'ghcr.io/Org/App:1')).toBe(2);
    expect(stderr.join('')).toMatch(/release-actions: <images>: invalid image reference/);
    expect(calls()).toEqual([]);
  });
});

describe('release-actions attest and chart', () => {
  it("attests each platform's SBOMs from --sbom-manifest on that platform's digest only", async () => {
    Object.assign(process.env, OIDC_ENV);
    const golden = path.join(
      repoRoot,
      'test/fixtures/upstream/syft/golden/cyclonedx-json-1.6.image.golden.json',
    );
    const platforms = multi.manifests.map((m) => {
      const cdx = JSON.parse(readFileSync(golden, 'utf8'));
      cdx.metadata.component.version = m.digest;
      const name = `sbom-cyclonedx-${m.platform.os}-${m.platform.architecture}.json`;
      writeFileSync(path.join(dir, name), JSON.stringify(cdx));
      return {
        platform: `${m.platform.os}/${m.platform.architecture}`,
        digest: m.digest,
        'cyclonedx-json': name,
        packages: 2,
      };
    });
    const subject = `${registry.host}/cli/app@${multi.index.digest}`;
    writeFileSync(path.join(dir, 'm.json'), JSON.stringify({ version: 1, subject, platforms }));
    const code = await cli('attest', subject, '--sbom-manifest', path.join(dir, 'm.json'));
    expect(stderr.join('')).not.toMatch(/^release-actions: /m);
    expect(code).toBe(0);
    expect(calls().map((c) => [c.argv[0], c.argv[3], c.argv[5], c.argv.at(-1)])).toEqual(
      multi.manifests.map((m) => [
        'attest',
        path.join(dir, `sbom-cyclonedx-${m.platform.os}-${m.platform.architecture}.json`),
        'cyclonedx',
        `${registry.host}/cli/app@${m.digest}`,
      ]),
    );
    // The same report as the job summary, as text.
    expect(stdout.join('').split('\n')).toEqual([
      'Attestations: 2 attestation(s) signed with cosign (keyless: Fulcio certificate, Rekor entry).',
      ...multi.manifests.map((m) =>
        expect.stringMatching(
          new RegExp(
            `^  ${registry.host}/cli/app \\(${m.platform.os}/${m.platform.architecture}\\)  ${m.digest}  cyclonedx  Rekor entry: \\d+ https://search\\.sigstore\\.dev/\\?logIndex=\\d+$`,
          ),
        ),
      ),
      '',
    ]);
  });

  it('refuses an SBOM of another image on the index, exit 2 and no cosign call', async () => {
    Object.assign(process.env, OIDC_ENV);
    const spdx = path.join(repoRoot, 'test/fixtures/upstream/syft/golden/spdx-json.image.golden.json');
    const code = await cli('attest', `${registry.host}/cli/app@${multi.index.digest}`, '--sbom-spdx', spdx);
    expect(code).toBe(2);
    expect(stderr.join('')).toMatch(
      /^release-actions: --sbom-spdx: .* describes sha256:2731251d.* which is not a platform of the index /m,
    );
    expect(calls()).toEqual([]);
  });

  it('pushes a chart and prints its confirmed digest', async () => {
    const chart = path.join(dir, 'demo');
    cpSync(path.join(repoRoot, 'test/fixtures/sigstore/charts/demo'), chart, { recursive: true });
    const code = await cli(
      'chart',
      chart,
      `oci://${registry.host}/cli-charts`,
      '--destination',
      dir,
      '--format',
      'json',
    );
    expect(stderr.join('')).not.toMatch(/^release-actions: /m);
    expect(code).toBe(0);
    const result = JSON.parse(stdout.join(''));
    expect(result.reference).toMatch(new RegExp(`^${registry.host}/cli-charts/demo@sha256:[0-9a-f]{64}$`));
    expect(calls().map((c) => c.argv[0])).toEqual(['package', 'push']);
  });

  it('chart --no-push packages only; chart --package pushes that package; a rerun pushes nothing', async () => {
    const chart = path.join(dir, 'demo');
    cpSync(path.join(repoRoot, 'test/fixtures/sigstore/charts/demo'), chart, { recursive: true });
    expect(await cli('chart', chart, '--no-push', '--destination', dir)).toBe(0);
    expect(stdout.join('')).toBe(
      `Packaged demo 1.2.3+build.7: ${path.join(dir, 'demo-1.2.3+build.7.tgz')} (not pushed)\n`,
    );
    stdout.length = 0;
    expect(await cli('chart', chart, '--no-push', '--destination', dir, '--format', 'json')).toBe(0);
    const packaged = JSON.parse(stdout.join(''));
    expect(packaged).toEqual({
      name: 'demo',
      version: '1.2.3+build.7',
      package: path.join(dir, 'demo-1.2.3+build.7.tgz'),
      pushed: false,
    });
    expect(calls().map((c) => c.argv[0])).toEqual(['package', 'package']);

    stdout.length = 0;
    const target = `oci://${registry.host}/cli-two-step`;
    expect(await cli('chart', '--package', packaged.package, target, '--format', 'json')).toBe(0);
    const pushed = JSON.parse(stdout.join(''));
    expect(pushed.pushed).toBe(true);
    expect(calls().map((c) => c.argv[0])).toEqual(['package', 'package', 'push']);

    stdout.length = 0;
    expect(await cli('chart', '--package', packaged.package, target, '--format', 'json')).toBe(0);
    expect(JSON.parse(stdout.join(''))).toMatchObject({ pushed: false, digest: pushed.digest });
    expect(calls().map((c) => c.argv[0])).toEqual(['package', 'package', 'push']);
  });
});
