import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Layout, type BuiltIndex } from '../../harness/images.js';
import { startRegistry, type Registry } from '../../harness/registry.js';
import { repoRoot } from '../../harness/run-bundle.js';
import { errorLines, json, notices, runWithFakes } from '../sign/helpers.js';

/**
 * The attest action as the runner runs it, with the fake cosign and a real loopback registry. The
 * predicates are syft's own SPDX and CycloneDX goldens.
 */
const syftGolden = path.join(repoRoot, 'test', 'fixtures', 'upstream', 'syft', 'golden');
let registry: Registry;
let layout: Layout;
let multi: BuiltIndex;
let workspace: string;

beforeAll(async () => {
  registry = await startRegistry();
  layout = new Layout();
  multi = layout.index('3.1', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
  ]);
  await layout.push('3.1', registry.host, 'team/web');
  workspace = mkdtempSync(path.join(os.tmpdir(), 'attest-workspace-'));
  copyFileSync(path.join(syftGolden, 'spdx-json.image.golden.json'), path.join(workspace, 'sbom-spdx.json'));
  copyFileSync(
    path.join(syftGolden, 'cyclonedx-json-1.6.image.golden.json'),
    path.join(workspace, 'sbom-cyclonedx.json'),
  );
  // Each platform's SBOMs as syft writes them for that platform's digest, and their manifest.
  const platforms = multi.manifests.map((m) => {
    const slug = [m.platform.os, m.platform.architecture, m.platform.variant].filter(Boolean).join('-');
    const spdx = JSON.parse(readFileSync(path.join(syftGolden, 'spdx-json.image.golden.json'), 'utf8'));
    const root = spdx.packages.find((p: { SPDXID: string }) => p.SPDXID.startsWith('SPDXRef-DocumentRoot'));
    root.versionInfo = m.digest;
    root.checksums = [{ algorithm: 'SHA256', checksumValue: m.digest.slice('sha256:'.length) }];
    root.externalRefs[0].referenceLocator = `pkg:oci/web@${m.digest.replace(':', '%3A')}?arch=`;
    writeFileSync(path.join(workspace, `sbom-spdx-${slug}.json`), JSON.stringify(spdx));
    const cdx = JSON.parse(
      readFileSync(path.join(syftGolden, 'cyclonedx-json-1.6.image.golden.json'), 'utf8'),
    );
    cdx.metadata.component.version = m.digest;
    writeFileSync(path.join(workspace, `sbom-cyclonedx-${slug}.json`), JSON.stringify(cdx));
    return {
      platform: slug.replace(/-/g, '/'),
      digest: m.digest,
      'spdx-json': `sbom-spdx-${slug}.json`,
      'cyclonedx-json': `sbom-cyclonedx-${slug}.json`,
      packages: 2,
    };
  });
  writeFileSync(
    path.join(workspace, 'sbom-platforms.json'),
    JSON.stringify({ version: 1, subject: `${registry.host}/team/web@${multi.index.digest}`, platforms }),
  );
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  layout?.remove();
});

describe('attest', () => {
  it("attests each platform's SBOMs on that platform only, one cosign attest call and bundle each, none on the index", async () => {
    const run = await runWithFakes('attest', {
      workspace,
      inputs: {
        subject: `${registry.host}/team/web:3.1`,
        'sbom-manifest': 'sbom-platforms.json',
      },
    });
    expect(errorLines(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    const platforms = multi.manifests.map((m) => ({
      digest: m.digest,
      slug: [m.platform.os, m.platform.architecture, m.platform.variant].filter(Boolean).join('-'),
    }));
    const expected = platforms.flatMap(({ digest, slug }) =>
      (['spdxjson', 'cyclonedx'] as const).map((type) => [
        'attest',
        '--yes',
        '--predicate',
        path.join(workspace, `sbom-${type === 'spdxjson' ? 'spdx' : 'cyclonedx'}-${slug}.json`),
        '--type',
        type,
        '--bundle',
        path.join(
          run.runnerTemp,
          'sigstore-bundles',
          `web-${digest.replace(':', '-')}.${type}.att.sigstore.json`,
        ),
        `${registry.host}/team/web@${digest}`,
      ]),
    );
    expect(run.calls.map((c) => c.argv)).toEqual(expected);
    expect(run.log).not.toContain('web:3.1');
    expect(run.log).not.toContain(multi.index.digest);
    expect(notices(run).some((n) => n.includes(':3.1') && n.includes(multi.index.digest))).toBe(true);

    // Each bundle carries the statement over its own digest with the predicate type of its SBOM.
    const bundles = json<string[]>(run.outputs.bundles);
    expect(bundles).toHaveLength(4);
    const statements = bundles.map((file) => {
      const bundle = JSON.parse(readFileSync(file, 'utf8'));
      return JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8'));
    });
    expect(statements.map((s) => s.predicateType)).toEqual([
      'https://spdx.dev/Document',
      'https://cyclonedx.org/bom',
      'https://spdx.dev/Document',
      'https://cyclonedx.org/bom',
    ]);
    const digests = platforms.flatMap((p) => [p.digest, p.digest]);
    expect(statements.map((s) => `sha256:${s.subject[0].digest.sha256}`)).toEqual(digests);
    expect(run.outputs.signed).toBe('true');
    expect(json(run.outputs.digests)).toEqual(digests.map((d) => `${registry.host}/team/web@${d}`));
    expect(json<number[]>(run.outputs['rekor-log-indexes']).every((n) => Number.isInteger(n))).toBe(true);
    expect(run.summary).toContain('| Subject | Digest | Type | Rekor entry |');
    expect(run.summary).toContain('(linux/arm64/v8)');
    expect(run.summary.match(/https:\/\/search\.sigstore\.dev\/\?logIndex=\d+/g)).toHaveLength(4);
  });

  it('refuses to spray one SBOM file over an index: nothing is attested', async () => {
    const run = await runWithFakes('attest', {
      workspace,
      inputs: { subject: `${registry.host}/team/web:3.1`, 'sbom-spdx': 'sbom-spdx.json' },
    });
    expect(run.exitCode).toBe(1);
    expect(errorLines(run)).toEqual([
      expect.stringMatching(
        /^Input 'sbom-spdx': .*sbom-spdx\.json describes sha256:2731251dc.* which is not a platform of the index /,
      ),
    ]);
    expect(run.calls).toEqual([]);
  });

  it('passes a predicate with a predicate type URI as it is', async () => {
    writeFileSync(
      path.join(workspace, 'review.json'),
      JSON.stringify({ reviewer: 'release-team', approved: true }),
    );
    const run = await runWithFakes('attest', {
      workspace,
      inputs: {
        subject: `${registry.host}/team/web@${multi.manifests[0]?.digest}`,
        predicate: 'review.json',
        type: 'https://example.com/release-review/v1',
      },
    });
    expect(errorLines(run)).toEqual([]);
    expect(run.calls).toHaveLength(1);
    expect(run.calls[0]?.argv.slice(0, 6)).toEqual([
      'attest',
      '--yes',
      '--predicate',
      path.join(workspace, 'review.json'),
      '--type',
      'https://example.com/release-review/v1',
    ]);
  });

  it('refuses a predicate over 16 MiB, with its size and the limit, before cosign runs', async () => {
    const big = path.join(workspace, 'big.json');
    writeFileSync(big, `{"padding":"${'x'.repeat(17 * 1024 * 1024)}"}`);
    const run = await runWithFakes('attest', {
      workspace,
      inputs: { subject: `${registry.host}/team/web:3.1`, predicate: 'big.json', type: 'custom' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.calls).toEqual([]);
    const size = 17 * 1024 * 1024 + '{"padding":""}'.length;
    expect(errorLines(run)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Input 'predicate': attestation too large for the transparency log \\(17\\.0 MiB\\): .*big\\.json is 17\\.0 MiB \\(${size} bytes\\), over the 16\\.0 MiB \\(16777216 bytes\\) limit`,
        ),
      ),
    ]);
  });

  it('refuses an SBOM of the wrong format for its type', async () => {
    const run = await runWithFakes('attest', {
      workspace,
      inputs: { subject: `${registry.host}/team/web:3.1`, 'sbom-spdx': 'sbom-cyclonedx.json' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.calls).toEqual([]);
    expect(errorLines(run)).toEqual([
      expect.stringMatching(
        /^Input 'sbom-spdx': .*sbom-cyclonedx\.json is not an SPDX JSON document .*it is a CycloneDX document/,
      ),
    ]);
  });

  it('refuses a predicate type that is neither a known name nor a URI', async () => {
    const run = await runWithFakes('attest', {
      workspace,
      inputs: { subject: `${registry.host}/team/web:3.1`, predicate: 'review.json', type: 'sbom' },
    });
    expect(run.exitCode).toBe(1);
    expect(errorLines(run)).toEqual([
      expect.stringMatching(/^Input 'type': "sbom" is not a predicate type; use one of spdxjson, cyclonedx/),
    ]);
  });

  it('refuses a malformed subject', async () => {
    const run = await runWithFakes('attest', {
      workspace,
      inputs: { subject: `${registry.host}/team/web@sha256:1234`, 'sbom-spdx': 'sbom-spdx.json' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.calls).toEqual([]);
    expect(errorLines(run)).toEqual([
      expect.stringMatching(/^Input 'subject': invalid image reference .*64 hex characters/),
    ]);
  });

  it('skips without an OIDC token and fails with require-signature', async () => {
    const inputs = { subject: `${registry.host}/team/web:3.1`, 'sbom-spdx': 'sbom-spdx.json' };
    const skipped = await runWithFakes('attest', { workspace, oidc: false, inputs });
    expect(skipped.exitCode).toBe(0);
    expect(skipped.calls).toEqual([]);
    expect(skipped.outputs.signed).toBe('false');
    expect(notices(skipped).some((n) => n.includes('Nothing was attested'))).toBe(true);

    const required = await runWithFakes('attest', {
      workspace,
      oidc: false,
      inputs: { ...inputs, 'require-signature': 'true' },
    });
    expect(required.exitCode).toBe(1);
    expect(required.calls).toEqual([]);
    expect(errorLines(required)).toEqual([expect.stringMatching(/^Cannot attest: no OIDC token/)]);
  });

  it('retries a timed-out timestamp authority and succeeds', async () => {
    const run = await runWithFakes('attest', {
      workspace,
      inputs: {
        subject: `${registry.host}/team/web@${multi.manifests[1]?.digest}`,
        'sbom-cyclonedx': 'sbom-cyclonedx-linux-arm64-v8.json',
      },
      env: {
        FAKE_COSIGN_FAIL_TIMES: '2',
        FAKE_COSIGN_FAIL_STDERR:
          'Error: signing: getting timestamp: Post "https://timestamp.sigstore.dev/api/v1/timestamp": context deadline exceeded (Client.Timeout exceeded while awaiting headers)\n',
      },
    });
    expect(errorLines(run)).toEqual([]);
    expect(run.calls).toHaveLength(3);
    expect(run.outputs.signed).toBe('true');
  });

  describe('an attestation too large for the transparency log', () => {
    /**
     * The linux/amd64 SBOM (syft's SPDX golden describing that platform's digest) with its first
     * package repeated (new SPDXIDs) until the file is `bytes` long: a large SBOM of the shape syft
     * writes, for the digest it is attested on.
     */
    function bigSpdx(name: string, bytes: number): string {
      const doc = JSON.parse(readFileSync(path.join(workspace, 'sbom-spdx-linux-amd64.json'), 'utf8')) as {
        packages: Record<string, unknown>[];
      };
      const template = doc.packages[0]!;
      const size = JSON.stringify(template).length + 1;
      const copies = Math.ceil(bytes / size);
      for (let i = 0; i < copies; i++)
        doc.packages.push({ ...template, SPDXID: `SPDXRef-Package-copy-${i}` });
      writeFileSync(path.join(workspace, name), JSON.stringify(doc));
      return name;
    }

    /** The predicate's size and the entry cosign sends for it (base64 plus 16 KiB), as the message gives them. */
    function sizes(name: string): { predicate: string; entry: string } {
      const bytes = statSync(path.join(workspace, name)).size;
      const entry = Math.ceil(bytes / 3) * 4 + 16 * 1024;
      const mib = (n: number) => (n / (1024 * 1024)).toFixed(1).replace('.', '\\.');
      return { predicate: mib(bytes), entry: mib(entry) };
    }

    // cosign's stderr when Rekor refuses the body, as printed since sigstore/rekor#2813 ("Update 413
    // status code error handling", the PR's own example output with cosign v2.6.2).
    const REKOR_413 =
      'Error: signing ghcr.io/team/web@sha256:0000: [POST /api/v1/log/entries][413] createLogEntry default {"code":413,"message":"Request Entity Too Large. Limit set to 10597713"}\n' +
      'error during command execution: ghcr.io/team/web@sha256:0000: [POST /api/v1/log/entries][413] createLogEntry default {"code":413,"message":"Request Entity Too Large. Limit set to 10597713"}\n';
    // cosign v3.0.6 attesting a 46 MB SBOM to the public Rekor, whose load balancer answers 502
    // (sigstore/rekor#2915, "HTTP 502 Bad Gateway for rekor.sigstore.dev").
    const REKOR_502 =
      'Error: creating bundle: signing bundle: error signing bundle: Post "https://rekor.sigstore.dev/api/v1/log/entries": giving up after 2 attempt(s): status 502: <!doctype html><meta charset="utf-8"><meta name=viewport content="width=device-width, initial-scale=1"><title>502</title>502 Bad Gateway\n';

    it('a Rekor 413 is reported with the size and not retried', async () => {
      const sbom = bigSpdx('big-413.spdx.json', 5 * 1024 * 1024);
      const run = await runWithFakes('attest', {
        workspace,
        inputs: { subject: `${registry.host}/team/web@${multi.manifests[0]?.digest}`, 'sbom-spdx': sbom },
        env: { FAKE_COSIGN_FAIL_TIMES: '8', FAKE_COSIGN_FAIL_STDERR: REKOR_413 },
      });
      expect(run.exitCode).toBe(1);
      expect(run.calls).toHaveLength(1);
      const { predicate, entry } = sizes(sbom);
      expect(errorLines(run)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^attestation too large for the transparency log \\(${predicate} MiB\\): the log refused the entry for spdxjson predicate .*big-413\\.spdx\\.json on .*team/web@sha256:[0-9a-f]{64} \\(about ${entry} MiB\\) with 413 Payload Too Large\\. Not retried\\.`,
          ),
        ),
      ]);
      expect(run.log).not.toContain('trying again');
    });

    it('a 5xx after an entry above 4 MiB is the size, not an outage: reported at once', async () => {
      const sbom = bigSpdx('big-502.spdx.json', 5 * 1024 * 1024);
      const run = await runWithFakes('attest', {
        workspace,
        inputs: { subject: `${registry.host}/team/web@${multi.manifests[0]?.digest}`, 'sbom-spdx': sbom },
        env: { FAKE_COSIGN_FAIL_TIMES: '8', FAKE_COSIGN_FAIL_STDERR: REKOR_502 },
      });
      expect(run.exitCode).toBe(1);
      expect(run.calls).toHaveLength(1);
      const { predicate, entry } = sizes(sbom);
      expect(errorLines(run)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^attestation too large for the transparency log \\(${predicate} MiB\\): the log answered a server error to the entry for spdxjson predicate .*big-502\\.spdx\\.json .*\\(about ${entry} MiB\\), above the 4\\.0 MiB a Rekor v2 log accepts by default`,
          ),
        ),
      ]);
    });

    it('the same 5xx after a small entry is transient and retried', async () => {
      const run = await runWithFakes('attest', {
        workspace,
        inputs: {
          subject: `${registry.host}/team/web@${multi.manifests[0]?.digest}`,
          'sbom-spdx': 'sbom-spdx-linux-amd64.json',
        },
        env: { FAKE_COSIGN_FAIL_TIMES: '1', FAKE_COSIGN_FAIL_STDERR: REKOR_502 },
      });
      expect(errorLines(run)).toEqual([]);
      expect(run.calls).toHaveLength(2);
      expect(run.outputs.signed).toBe('true');
    });
  });
});
