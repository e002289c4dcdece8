import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerVerify } from '../../../packages/cli/src/commands/verify.js';
import { Layout, type BuiltIndex } from '../../harness/images.js';
import { startRegistry, type Registry } from '../../harness/registry.js';
import { repoRoot } from '../../harness/run-bundle.js';
import { captureCli, readCalls, useFakeTools } from '../../harness/run-cli.js';
import { runWithFakes, type Call } from '../sign/helpers.js';

/**
 * The cosign engine, through the shipped action bundle and `release-actions verify`, with the
 * fake cosign and slsa-verifier answering real upstream output (test/fakes/cosign-verify.mjs,
 * test/fakes/bin/slsa-verifier) and a real loopback registry for the tag → digest step.
 */
const upstream = path.join(repoRoot, 'test', 'fixtures', 'upstream');
const OTEL_REPOSITORY = 'open-telemetry/opentelemetry-collector-releases';
const OTEL_IDENTITY = `https://github.com/${OTEL_REPOSITORY}/.github/workflows/base-release.yaml@refs/tags/v0.98.0`;
const OTEL_REGEXP =
  '^https://github\\.com/open-telemetry/opentelemetry-collector-releases/\\.github/workflows/base-release\\.yaml@refs/tags/v[^@\\s]*$';
const OURS_REGEXP =
  '^https://github\\.com/aotanami/release-actions/\\.github/workflows/release\\.yml@(refs/tags/v[^@\\s]*|[0-9a-f]{40})$';
const OUR_COMMIT = '0123456789abcdef0123456789abcdef01234567';
const ISSUER = 'https://token.actions.githubusercontent.com';
const BUILDER =
  'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml';

let registry: Registry;
let layout: Layout;
let image: BuiltIndex;
let single: string;
let scratch: string;
let ourVerifyOutput: string;
let ourBranchOutput: string;
let ourProvenance: string;

/**
 * The upstream verify output as our reusable workflow's signature of aotanami/aotanami would read:
 * our workflow pinned by commit, the publisher's run at `callerRef`.
 */
function deriveOurSignatures(callerRef = 'refs/tags/v2.0.0', name = 'ours'): string {
  const signatures = JSON.parse(
    readFileSync(
      path.join(upstream, 'cosign/verify-output/keyless-github-actions.otel-contrib-0.98.0.json'),
      'utf8',
    ),
  ) as { optional: Record<string, unknown> }[];
  for (const s of signatures) {
    s.optional['Subject'] =
      `https://github.com/aotanami/release-actions/.github/workflows/release.yml@${OUR_COMMIT}`;
    s.optional['githubWorkflowRepository'] = 'aotanami/aotanami';
    s.optional['1.3.6.1.4.1.57264.1.5'] = 'aotanami/aotanami';
    s.optional['githubWorkflowRef'] = callerRef;
    s.optional['1.3.6.1.4.1.57264.1.6'] = callerRef;
  }
  const file = path.join(scratch, `${name}.verify.json`);
  writeFileSync(file, JSON.stringify(signatures));
  return file;
}

/** The upstream provenance statement as the generator would write it for aotanami/aotanami v2.0.0. */
function deriveOurProvenance(repository = 'aotanami/aotanami'): string {
  const statement = JSON.parse(
    readFileSync(path.join(upstream, 'slsa/container-generator-v1.10.0/statement.slsa-v0.2.json'), 'utf8'),
  ) as { predicate: { invocation: { configSource: { uri: string } } } };
  statement.predicate.invocation.configSource.uri = `git+https://github.com/${repository}@refs/tags/v2.0.0`;
  const file = path.join(scratch, `${repository.replace('/', '.')}.provenance.json`);
  writeFileSync(file, JSON.stringify(statement));
  return file;
}

beforeAll(async () => {
  registry = await startRegistry();
  layout = new Layout();
  image = layout.index('v2.0.0', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ]);
  await layout.push('v2.0.0', registry.host, 'aotanami/aotanami');
  single = layout.image('one', { os: 'linux', architecture: 'amd64' }, 'one\n').digest;
  await layout.push('one', registry.host, 'aotanami/one');
  scratch = mkdtempSync(path.join(os.tmpdir(), 'verify-cosign-'));
  ourVerifyOutput = deriveOurSignatures();
  ourBranchOutput = deriveOurSignatures('refs/heads/main', 'branch');
  ourProvenance = deriveOurProvenance();
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  layout?.remove();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

interface Report {
  digest: string;
  verdict: string;
  results: {
    check: string;
    subject: string;
    platform?: string;
    status: string;
    identity?: string;
    issuer?: string;
    repository?: string;
    rekor?: { logIndex?: number; integratedTime?: number };
    reason?: string;
  }[];
  commands: string[];
}

function identityArgs(regexp: string, repository: string): string[] {
  return [
    '--certificate-identity-regexp',
    regexp,
    '--certificate-oidc-issuer',
    ISSUER,
    '--certificate-github-workflow-repository',
    repository,
  ];
}

describe('verify action, cosign engine', () => {
  it("passes the publisher's own workflow (signer: workflow) on the index and each platform, with the exact cosign argv", async () => {
    const run = await runWithFakes('verify', {
      inputs: {
        image: `${registry.host}/aotanami/aotanami:v2.0.0`,
        repository: OTEL_REPOSITORY,
        signer: 'workflow',
        workflow: '.github/workflows/base-release.yaml',
        checks: 'signature,sbom-spdx,sbom-cyclonedx',
      },
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const digests = [image.index.digest, ...image.manifests.map((m) => m.digest)];
    const refs = digests.map((d) => `${registry.host}/aotanami/aotanami@${d}`);
    const cosign = run.calls.filter((c) => c.tool === 'cosign' && c.argv[0] !== 'version').map((c) => c.argv);
    const policy = identityArgs(OTEL_REGEXP, OTEL_REPOSITORY);
    // The index carries its signature only; each platform its signature and its own SBOMs.
    expect(cosign).toEqual(
      refs.flatMap((ref, i) => [
        ['verify', ...policy, '-o', 'json', ref],
        ...(i === 0
          ? []
          : [
              ['verify-attestation', '--type', 'spdxjson', ...policy, ref],
              ['verify-attestation', '--type', 'cyclonedx', ...policy, ref],
            ]),
      ]),
    );
    expect(run.outputs['verified']).toBe('true');
    expect(run.outputs['digest']).toBe(image.index.digest);
    const report = JSON.parse(run.outputs['report'] ?? '{}') as Report;
    expect(report.verdict).toBe('passed');
    expect(report.results).toHaveLength(7);
    const signature = report.results.find((r) => r.check === 'signature');
    // From the upstream `cosign verify -o json` output: the first signature's certificate and Rekor entry.
    expect(signature).toMatchObject({
      status: 'passed',
      identity: OTEL_IDENTITY,
      issuer: ISSUER,
      rekor: { logIndex: 84797936, integratedTime: 1712809120 },
    });
    // From the certificate lines cosign writes to stderr for verify-attestation.
    expect(report.results.find((r) => r.check === 'sbom-spdx')).toMatchObject({
      identity: OTEL_IDENTITY,
      issuer: ISSUER,
    });
    expect(run.summary).toContain(
      '| check | digest | result | SAN | issuer | source repository | source ref | trigger | workflow commit | Rekor entry / integrated time | reason |',
    );
    expect(run.summary).toContain('#84797936 2024-04-11T04:18:40Z');
    expect(run.summary).toContain(
      `cosign verify --certificate-identity-regexp '${OTEL_REGEXP}' --certificate-oidc-issuer ${ISSUER} --certificate-github-workflow-repository ${OTEL_REPOSITORY} -o json ${refs[0]}`,
    );
    expect(run.summary).toContain(
      `release-actions verify ${refs[0]} --repository ${OTEL_REPOSITORY} --signer workflow --workflow .github/workflows/base-release.yaml --checks signature,sbom-spdx,sbom-cyclonedx`,
    );
  }, 60_000);

  it('passes our reusable workflow pinned by commit at a tag of the publisher, with only repository (the defaults), provenance through slsa-verifier', async () => {
    const run = await runWithFakes('verify', {
      inputs: {
        image: `${registry.host}/aotanami/aotanami:v2.0.0`,
        repository: 'aotanami/aotanami',
      },
      env: { FAKE_COSIGN_VERIFY_OUTPUT: ourVerifyOutput, FAKE_SLSA_VERIFIER_STATEMENT: ourProvenance },
    });
    expect(run.exitCode).toBe(0);
    const ref = `${registry.host}/aotanami/aotanami@${image.index.digest}`;
    const slsa = run.calls
      .filter((c) => c.tool === 'slsa-verifier' && c.argv[0] !== 'version')
      .map((c) => c.argv);
    // Provenance is of the digest given (the index), once.
    expect(slsa).toEqual([
      ['verify-image', ref, '--source-uri', 'github.com/aotanami/aotanami', '--builder-id', BUILDER],
    ]);
    const verify = run.calls.find((c) => c.tool === 'cosign' && c.argv[0] === 'verify');
    expect(verify?.argv).toEqual([
      'verify',
      ...identityArgs(OURS_REGEXP, 'aotanami/aotanami'),
      '-o',
      'json',
      ref,
    ]);
    const report = JSON.parse(run.outputs['report'] ?? '{}') as Report;
    expect(report.verdict).toBe('passed');
    expect(report.results.find((r) => r.check === 'provenance')).toMatchObject({
      status: 'passed',
      identity: `${BUILDER}@refs/tags/v1.10.0`,
    });
    expect(report.commands).toContain(
      `slsa-verifier verify-image ${ref} --source-uri github.com/aotanami/aotanami --builder-id ${BUILDER}`,
    );
    expect(report.results.find((r) => r.check === 'signature')).toMatchObject({
      identity: `https://github.com/aotanami/release-actions/.github/workflows/release.yml@${OUR_COMMIT}`,
      sourceRef: 'refs/tags/v2.0.0',
    });
    expect(run.summary).toContain('| refs/tags/v2.0.0 ✓ |');
  }, 60_000);

  it("fails the publisher's branch run through our workflow (exit 1), naming the ref in the summary", async () => {
    const run = await runWithFakes('verify', {
      inputs: {
        image: `${registry.host}/aotanami/aotanami:v2.0.0`,
        repository: 'aotanami/aotanami',
        checks: 'signature,sbom-spdx',
      },
      env: { FAKE_COSIGN_VERIFY_OUTPUT: ourBranchOutput },
    });
    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.outputs['report'] ?? '{}') as Report;
    expect(new Set(report.results.map((r) => r.reason))).toEqual(
      new Set(['source ref refs/heads/main does not match refs/tags/v*']),
    );
    expect(run.summary).toContain('| refs/heads/main ✗ |');
    expect(
      run.annotations.some(
        (a) =>
          a.level === 'error' && a.message.includes('source ref refs/heads/main does not match refs/tags/v*'),
      ),
    ).toBe(true);
  }, 60_000);

  it('gives cosign the exact ref and a pinned trigger, and cosign refuses another ref', async () => {
    const run = await runWithFakes('verify', {
      inputs: {
        image: `${registry.host}/aotanami/one:one`,
        repository: 'aotanami/aotanami',
        'source-ref': 'refs/tags/v2.0.0',
        trigger: 'push',
        checks: 'signature',
      },
      env: { FAKE_COSIGN_VERIFY_OUTPUT: ourVerifyOutput },
    });
    expect(run.exitCode).toBe(0);
    const verify = run.calls.find((c) => c.tool === 'cosign' && c.argv[0] === 'verify');
    expect(verify?.argv).toEqual([
      'verify',
      ...identityArgs(OURS_REGEXP, 'aotanami/aotanami'),
      '--certificate-github-workflow-ref',
      'refs/tags/v2.0.0',
      '--certificate-github-workflow-trigger',
      'push',
      '-o',
      'json',
      `${registry.host}/aotanami/one@${single}`,
    ]);
    const refused = await runWithFakes('verify', {
      inputs: {
        image: `${registry.host}/aotanami/one:one`,
        repository: 'aotanami/aotanami',
        'source-ref': 'refs/tags/v9.9.9',
        checks: 'signature',
      },
      env: { FAKE_COSIGN_VERIFY_OUTPUT: ourVerifyOutput },
    });
    expect(refused.exitCode).toBe(1);
    expect((JSON.parse(refused.outputs['report'] ?? '{}') as Report).results[0]?.reason).toBe(
      'source ref mismatch: the certificate does not name refs/tags/v9.9.9',
    );
  }, 60_000);

  it('emit: commands writes the consumer commands to the commands output, runs no tool', async () => {
    const run = await runWithFakes('verify', {
      inputs: {
        image: `${registry.host}/aotanami/one:one`,
        repository: 'aotanami/aotanami',
        'source-ref': 'refs/tags/v2.0.0',
        emit: 'commands',
      },
    });
    expect(run.exitCode).toBe(0);
    expect(run.calls.filter((c) => c.argv[0] !== 'version')).toEqual([]);
    const ref = `${registry.host}/aotanami/one@${single}`;
    expect(run.outputs['commands']).toContain(
      `release-actions verify ${ref} --repository aotanami/aotanami --source-ref refs/tags/v2.0.0\n`,
    );
    expect(run.outputs['commands']).toContain(
      `cosign verify-attestation --type cyclonedx --certificate-identity-regexp '${OURS_REGEXP}' --certificate-oidc-issuer ${ISSUER} --certificate-github-workflow-repository aotanami/aotanami --certificate-github-workflow-ref refs/tags/v2.0.0 ${ref}`,
    );
    expect(run.outputs['digest']).toBe(single);
    expect(run.outputs['verified']).toBeUndefined();
  }, 60_000);

  it('refuses the retired ref-pattern input, naming its successors', async () => {
    const run = await runWithFakes('verify', {
      inputs: {
        image: `${registry.host}/aotanami/one:one`,
        repository: 'aotanami/aotanami',
        'ref-pattern': OUR_COMMIT,
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.map((a) => a.message)).toEqual([
      expect.stringMatching(
        /^Input 'ref-pattern': "0123456789abcdef0123456789abcdef01234567" is no longer accepted: .*source-ref-pattern.*workflow-commit/,
      ),
    ]);
    expect(run.calls.filter((c) => c.argv[0] !== 'version')).toEqual([]);
  }, 60_000);

  it('fails the step on a lookalike repository and says why in the summary and the report', async () => {
    const run = await runWithFakes('verify', {
      inputs: {
        image: `${registry.host}/aotanami/one:one`,
        repository: 'open-telemetry/opentelemetry-collector-releases-evil',
        signer: 'workflow',
        workflow: '.github/workflows/base-release.yaml',
        checks: 'signature',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['verified']).toBe('false');
    const report = JSON.parse(run.outputs['report'] ?? '{}') as Report;
    expect(report.results[0]?.reason).toBe(
      `identity mismatch: saw ${OTEL_IDENTITY}, wanted pattern ^https://github\\.com/open-telemetry/opentelemetry-collector-releases-evil/\\.github/workflows/base-release\\.yaml@refs/tags/v[^@\\s]*$`,
    );
    expect(run.summary).toContain('FAILED');
    expect(run.outputs['outcome']).toBe('blocked');
    expect(
      run.annotations.filter((a) => a.level === 'error').map((a) => [a.properties['title'], a.message]),
    ).toEqual([['IDENTITY_MISMATCH', expect.stringMatching(/signature: identity mismatch/)]]);
  }, 60_000);

  it('accepts a loose identity regexp with allow-unanchored, loudly', async () => {
    const loose = 'https://github.com/open-telemetry/';
    const run = await runWithFakes('verify', {
      inputs: {
        image: `${registry.host}/aotanami/one:one`,
        repository: OTEL_REPOSITORY,
        'certificate-identity-regexp': loose,
        'allow-unanchored': 'true',
        checks: 'signature',
      },
    });
    expect(run.exitCode).toBe(0);
    const warning = `The certificate identity regexp ${loose} is loose (it is not anchored with ^ at the start and $ at the end); a lookalike signer may pass.`;
    expect((JSON.parse(run.outputs['report'] ?? '{}') as { warning?: string }).warning).toBe(warning);
    expect(run.summary).toContain(`> [!WARNING]\n> ${warning}`);
    expect(run.annotations.some((a) => a.level === 'warning' && a.message === warning)).toBe(true);
    expect(run.calls.find((c) => c.argv[0] === 'verify')?.argv).toContain(loose);
  }, 60_000);

  it('refuses an unanchored identity regexp without allow-unanchored, before running anything', async () => {
    const run = await runWithFakes('verify', {
      inputs: {
        image: `${registry.host}/aotanami/one:one`,
        repository: 'aotanami/aotanami',
        'certificate-identity-regexp': 'https://github.com/aotanami/aotanami',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.map((a) => a.message)).toEqual([
      "Input 'certificate-identity-regexp': refused because it is not anchored with ^ at the start and $ at the end; anchor and escape it, or set 'allow-unanchored' to accept the risk.",
    ]);
    expect(run.calls.filter((c) => c.argv[0] !== 'version')).toEqual([]);
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------

const { stdout, stderr, run: cli } = captureCli([registerVerify], ['--quiet', 'verify']);
let log: string;

beforeEach(() => {
  const fakes = useFakeTools('verify-cli-');
  log = fakes.log;
  process.env.DOCKER_CONFIG = mkdtempSync(path.join(fakes.dir, 'docker-'));
});

const calls = (): Call[] => readCalls(log);

const OTEL = [
  '--repository',
  OTEL_REPOSITORY,
  '--signer',
  'workflow',
  '--workflow',
  '.github/workflows/base-release.yaml',
];

async function failing(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; report: Report }> {
  Object.assign(process.env, env);
  const code = await cli(`${registry.host}/aotanami/one:one`, ...args, '--format', 'json');
  return { code, report: JSON.parse(stdout.join('')) as Report };
}

describe('release-actions verify, cosign engine failure modes', () => {
  it('passes and prints text with the commands to reproduce (-q: the verdict line; -o: the whole text)', async () => {
    const file = path.join(scratch, 'verify-report.txt');
    const code = await cli(
      `${registry.host}/aotanami/one@${single}`,
      ...OTEL,
      '--checks',
      'signature,sbom-cyclonedx',
    );
    expect(code).toBe(0);
    const verdict = `Verified ${registry.host}/aotanami/one@${single}: all 2 check(s) passed (signature, sbom-cyclonedx).`;
    expect(stdout.join('')).toBe(`${verdict}\n`);
    stdout.length = 0;
    const args = ['--checks', 'signature,sbom-cyclonedx', '-o', file];
    expect(await cli(`${registry.host}/aotanami/one@${single}`, ...OTEL, ...args)).toBe(0);
    expect(stdout.join('')).toBe('');
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe(verdict);
    expect(text).toContain(
      `cosign verify-attestation --type cyclonedx --certificate-identity-regexp '${OTEL_REGEXP}'`,
    );
    expect(calls().filter((c) => c.argv[0] !== 'version')).toHaveLength(4);
  });

  it("passes cosign v3's output for new-format bundles (no certificate fields), still by digest", async () => {
    Object.assign(process.env, { FAKE_COSIGN_NEW_BUNDLE_FORMAT: '1' });
    const code = await cli(
      `${registry.host}/aotanami/one@${single}`,
      ...OTEL,
      '--checks',
      'signature',
      '--format',
      'json',
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout.join('')) as Report;
    expect(report.results[0]).toMatchObject({
      status: 'passed',
      subject: `${registry.host}/aotanami/one@${single}`,
    });
    expect(report.results[0]?.identity).toBeUndefined();
  });

  it('identity mismatch: the wrong workflow file', async () => {
    const { code, report } = await failing([
      '--repository',
      OTEL_REPOSITORY,
      '--signer',
      'workflow',
      '--workflow',
      '.github/workflows/release.yml',
      '--checks',
      'signature,sbom-spdx',
    ]);
    expect(code).toBe(1);
    for (const result of report.results) {
      expect(result.reason).toMatch(
        new RegExp(
          `^identity mismatch: saw ${OTEL_IDENTITY.replace(/[.]/g, '\\.')}, wanted pattern \\^https://github`,
        ),
      );
    }
    expect(report.results[0]?.identity).toBe(OTEL_IDENTITY);
  });

  it('ref not matching source-ref-pattern (signer: workflow: the SAN carries the ref)', async () => {
    const { code, report } = await failing([
      ...OTEL,
      '--source-ref-pattern',
      'refs/tags/v1.*',
      '--checks',
      'signature',
    ]);
    expect(code).toBe(1);
    expect(report.results[0]?.reason).toBe(
      `identity mismatch: saw ${OTEL_IDENTITY}, wanted pattern ^https://github\\.com/open-telemetry/opentelemetry-collector-releases/\\.github/workflows/base-release\\.yaml@refs/tags/v1\\.[^@\\s]*$`,
    );
  });

  it('fails closed when cosign v3 shows no source ref and no certificate is next to the image', async () => {
    const { code, report } = await failing(['--repository', 'aotanami/aotanami', '--checks', 'signature'], {
      FAKE_COSIGN_VERIFY_OUTPUT: ourVerifyOutput,
      FAKE_COSIGN_NEW_BUNDLE_FORMAT: '1',
    });
    expect(code).toBe(1);
    expect(report.results[0]?.reason).toBe(
      "source ref not shown: the certificate's source ref could not be read (wanted refs/tags/v*)",
    );
  });

  it('wrong issuer', async () => {
    const { code, report } = await failing([
      ...OTEL,
      '--oidc-issuer',
      'https://issuer.example.com',
      '--checks',
      'signature',
    ]);
    expect(code).toBe(1);
    expect(report.results[0]?.reason).toBe(
      `issuer mismatch: saw ${ISSUER}, wanted https://issuer.example.com`,
    );
  });

  it('lookalike repository claim under our reusable workflow', async () => {
    const { code, report } = await failing(
      ['--repository', 'aotanami/aotanami-evil', '--checks', 'signature,sbom-cyclonedx'],
      { FAKE_COSIGN_VERIFY_OUTPUT: ourVerifyOutput },
    );
    expect(code).toBe(1);
    expect(report.results.map((r) => r.reason)).toEqual([
      'repository claim mismatch: wanted aotanami/aotanami-evil',
      'repository claim mismatch: wanted aotanami/aotanami-evil',
    ]);
  });

  it('cosign v3, new-format bundles: the lookalike repository claim names what the certificate holds', async () => {
    const { code, report } = await failing(
      ['--repository', 'aotanami/aotanami-evil', '--checks', 'signature,sbom-cyclonedx'],
      { FAKE_COSIGN_VERIFY_OUTPUT: ourVerifyOutput, FAKE_COSIGN_NEW_BUNDLE_FORMAT: '1' },
    );
    expect(code).toBe(1);
    expect(report.results.map((r) => [r.status, r.reason, r.repository])).toEqual([
      [
        'failed',
        'repository claim mismatch: saw aotanami/aotanami, wanted aotanami/aotanami-evil',
        'aotanami/aotanami',
      ],
      [
        'failed',
        'repository claim mismatch: saw aotanami/aotanami, wanted aotanami/aotanami-evil',
        'aotanami/aotanami',
      ],
    ]);
  });

  it('cosign v3, new-format bundles: the attestations listed beside the signature and no certificate lines still pass', async () => {
    Object.assign(process.env, { FAKE_COSIGN_NEW_BUNDLE_FORMAT: '1' });
    const code = await cli(
      `${registry.host}/aotanami/one@${single}`,
      ...OTEL,
      '--checks',
      'signature,sbom-spdx,sbom-cyclonedx',
      '--format',
      'json',
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout.join('')) as Report;
    expect(report.results.map((r) => [r.check, r.status])).toEqual([
      ['signature', 'passed'],
      ['sbom-spdx', 'passed'],
      ['sbom-cyclonedx', 'passed'],
    ]);
    // Nothing was printed: the identity is what cosign enforced with the flags.
    expect(report.results.map((r) => r.identity)).toEqual([undefined, undefined, undefined]);
  });

  it('no signature and no attestation at all', async () => {
    const { code, report } = await failing([...OTEL, '--checks', 'signature,sbom-spdx,sbom-cyclonedx'], {
      FAKE_COSIGN_UNSIGNED: '1',
    });
    expect(code).toBe(1);
    expect(report.results.map((r) => r.reason)).toEqual([
      'no signature found',
      'no SPDX SBOM attestation found',
      'no CycloneDX SBOM attestation found',
    ]);
  });

  it('an SPDX attestation missing while CycloneDX is there', async () => {
    const { report } = await failing([...OTEL, '--checks', 'sbom-spdx,sbom-cyclonedx'], {
      FAKE_COSIGN_ATTESTATION_SPDXJSON: 'none',
    });
    expect(report.results.map((r) => [r.status, r.reason])).toEqual([
      ['failed', 'no SPDX SBOM attestation found'],
      ['passed', undefined],
    ]);
  });

  it('subject digest mismatch: the signature and the statements are over another image', async () => {
    const { code, report } = await failing([...OTEL], {
      FAKE_COSIGN_AS_IS: '1',
      FAKE_SLSA_VERIFIER_AS_IS: '1',
      // From the right source repository (slsa-verifier checks that before the subject digest).
      FAKE_SLSA_VERIFIER_STATEMENT: deriveOurProvenance(OTEL_REPOSITORY),
    });
    expect(code).toBe(1);
    const byCheck = Object.fromEntries(report.results.map((r) => [r.check, r.reason]));
    expect(byCheck['signature']).toBe(
      `subject digest mismatch: the signature is over sha256:5cea85bcbc734a3c0a641368e5a4ea9d31b472997e9f2feca57eeb4a147fcf1a, not ${single}`,
    );
    expect(byCheck['sbom-cyclonedx']).toBe(
      `subject digest mismatch: the statement is over sha256:4edbd2beb5f78b1014028f4fbb99f3237d9561100b6881aabbf5acce2c4f9454, not ${single}`,
    );
    // The upstream provenance is of sha256:e0a0a765…, not this image.
    expect(byCheck['provenance']).toBe(
      `provenance rejected: expected hash '${single.slice(7)}' not found: artifact hash does not match provenance subject`,
    );
  });

  it('predicate not SPDX under spdxjson', async () => {
    const envelope = JSON.parse(
      readFileSync(path.join(upstream, 'cosign/dsse/alpine.syft-attest.cyclonedx.dsse.json'), 'utf8'),
    );
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
    statement.predicateType = 'https://spdx.dev/Document';
    statement.subject = [{ name: '', digest: { sha256: single.slice(7) } }];
    const file = path.join(scratch, 'not-spdx.dsse.json');
    writeFileSync(
      file,
      JSON.stringify({ ...envelope, payload: Buffer.from(JSON.stringify(statement)).toString('base64') }),
    );
    const { code, report } = await failing([...OTEL, '--checks', 'sbom-spdx'], {
      FAKE_COSIGN_ATTESTATION_SPDXJSON: file,
    });
    expect(code).toBe(1);
    expect(report.results[0]?.reason).toBe('predicate not SPDX: it is a CycloneDX BOM');
  });

  it('provenance from another source repository, another tag, or none', async () => {
    let { report } = await failing(['--repository', 'aotanami/aotanami', '--checks', 'provenance']);
    expect(report.results[0]?.reason).toBe(
      "provenance rejected: source used to generate the binary does not match provenance: expected source 'aotanami/aotanami', got 'slsa-framework/example-package'",
    );
    stdout.length = 0;
    ({ report } = await failing(
      ['--repository', 'aotanami/aotanami', '--checks', 'provenance', '--source-tag', 'v9.9.9'],
      {
        FAKE_SLSA_VERIFIER_STATEMENT: ourProvenance,
      },
    ));
    expect(report.results[0]?.reason).toBe(
      "provenance rejected: expected tag 'v9.9.9', got 'v2.0.0': tag used to generate the binary does not match provenance",
    );
    stdout.length = 0;
    ({ report } = await failing(['--repository', 'aotanami/aotanami', '--checks', 'provenance'], {
      FAKE_SLSA_VERIFIER_NO_PROVENANCE: '1',
    }));
    expect(report.results[0]?.reason).toBe(
      'provenance rejected: no valid signatures found: no matching attestations: no attestations found',
    );
  });

  it('exits 2 when cosign cannot reach the registry (an error, not a verdict)', async () => {
    const { code, report } = await failing([...OTEL, '--checks', 'signature'], {
      FAKE_COSIGN_EXIT: '1',
      FAKE_COSIGN_STDERR:
        'Error: GET https://ghcr.io/v2/: dial tcp: lookup ghcr.io: no such host\nmain.go:74: error during command execution: GET https://ghcr.io/v2/: dial tcp: lookup ghcr.io: no such host',
    });
    expect(code).toBe(2);
    expect(report.verdict).toBe('error');
    expect(report.results[0]?.reason).toBe(
      'cosign could not check the signature: GET https://ghcr.io/v2/: dial tcp: lookup ghcr.io: no such host',
    );
  });

  it('exits 2 when the registry is unreachable, with one line', async () => {
    const code = await cli('127.0.0.1:9/aotanami/one:one', ...OTEL, '--checks', 'signature');
    expect(code).toBe(2);
    expect(stderr.join('')).toMatch(/^release-actions: cannot reach registry 127\.0\.0\.1:9/m);
    expect(calls().filter((c) => c.argv[0] !== 'version')).toEqual([]);
  }, 120_000);

  it('exits 2 on bad input, naming the flag', async () => {
    expect(await cli(`${registry.host}/aotanami/one:one`, ...OTEL, '--checks', 'signature,sbom')).toBe(2);
    expect(stderr.join('')).toContain(
      `--checks: "sbom" not accepted; use any of signature, sbom-spdx, sbom-cyclonedx, provenance, vex.`,
    );
    expect(await cli(`${registry.host}/aotanami/one:one`, ...OTEL, '--format', 'yaml')).toBe(2);
    expect(stderr.join('')).toContain('--format: "yaml" is not accepted; use text or json.');
  });

  it('names the flags, not the action inputs, in what it refuses', async () => {
    const image = `${registry.host}/aotanami/one:one`;
    expect(await cli(image, '--repository', 'aotanami/aotanami', '--ref-pattern', 'refs/tags/v*')).toBe(2);
    expect(stderr.join('')).toMatch(
      /^release-actions: --ref-pattern: "refs\/tags\/v\*" is no longer accepted: /m,
    );
    stderr.length = 0;
    expect(await cli(image, '--repository', 'aotanami/aotanami', '--transparency-log', 'skip')).toBe(2);
    expect(stderr.join('')).toContain(
      'release-actions: --transparency-log: skip accepts signatures no transparency log holds',
    );
    stderr.length = 0;
    expect(await cli('Not A Reference', '--repository', 'aotanami/aotanami')).toBe(2);
    expect(stderr.join('')).toMatch(/^release-actions: <image>: invalid image reference "Not A Reference"/m);
    expect(calls().filter((c) => c.argv[0] !== 'version')).toEqual([]);
  });
});

describe('verifyRelease without the tools', () => {
  it('is an error (exit 2) when cosign is neither on PATH nor installable', async () => {
    const { verifyRelease } = await import('@release-actions/verify');
    const { RegistryClient } = await import('@release-actions/oci');
    const { exitCodeFor, silentLogger } = await import('@release-actions/core');
    process.env.PATH = '/usr/bin:/bin';
    const toolCache = mkdtempSync(path.join(os.tmpdir(), 'verify-tools-'));
    const attempt = verifyRelease({
      image: `${registry.host}/aotanami/one@${single}`,
      identity: { repository: 'aotanami/aotanami', signer: 'reusable-workflow' },
      checks: ['signature'],
      engine: 'cosign',
      client: new RegistryClient(),
      logger: silentLogger,
      install: {
        mirror: 'http://127.0.0.1:9',
        toolCache,
        retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1, deadlineMs: 1000 },
      },
    });
    const error = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(exitCodeFor(error)).toBe(2);
    expect((error as Error).message).toMatch(/cosign/);
    expect((error as Error).message).not.toMatch(/\n/);
    rmSync(toolCache, { recursive: true, force: true });
  }, 60_000);
});

describe('release-actions verify --emit commands', () => {
  it('verifies nothing and writes the consumer commands for the release as Markdown, per digest of the index', async () => {
    const file = path.join(scratch, 'notes.md');
    const code = await cli(
      `${registry.host}/aotanami/aotanami:v2.0.0`,
      '--repository',
      'aotanami/aotanami',
      '--source-ref',
      'refs/tags/v2.0.0',
      '--emit',
      'commands',
      '--output',
      file,
    );
    expect(code).toBe(0);
    expect(calls()).toEqual([]);
    const notes = readFileSync(file, 'utf8');
    const index = `${registry.host}/aotanami/aotanami@${image.index.digest}`;
    const [amd64, arm64] = image.manifests.map((m) => `${registry.host}/aotanami/aotanami@${m.digest}`);
    const flags = `--certificate-identity-regexp '${OURS_REGEXP}' --certificate-oidc-issuer ${ISSUER} --certificate-github-workflow-repository aotanami/aotanami --certificate-github-workflow-ref refs/tags/v2.0.0`;
    expect(notes).toContain(
      `\`\`\`sh\nrelease-actions verify ${index} --repository aotanami/aotanami --source-ref refs/tags/v2.0.0\n\`\`\``,
    );
    expect(notes).toContain(
      [
        `cosign verify ${flags} -o json ${index}`,
        `slsa-verifier verify-image ${index} --source-uri github.com/aotanami/aotanami --builder-id ${BUILDER} --source-tag v2.0.0`,
        `cosign verify ${flags} -o json ${amd64}`,
        `cosign verify-attestation --type spdxjson ${flags} ${amd64}`,
        `cosign verify-attestation --type cyclonedx ${flags} ${amd64}`,
        `cosign verify ${flags} -o json ${arm64}`,
      ].join('\n'),
    );
    expect(notes).not.toContain(`--type spdxjson ${flags} ${index}`);
    expect(notes).toContain('the index carries none');
  });

  it('prints to stdout without -o, and writes the file whole with -o, printing nothing', async () => {
    expect(
      await cli(
        `${registry.host}/aotanami/one:one`,
        '--repository',
        'aotanami/aotanami',
        '--emit',
        'commands',
      ),
    ).toBe(0);
    const printed = stdout.join('');
    expect(printed).toMatch(/^### Verify this release\n/);
    stdout.length = 0;
    const file = path.join(scratch, 'short-flag.md');
    const args = ['--repository', 'aotanami/aotanami', '--emit', 'commands', '-o', file];
    expect(await cli(`${registry.host}/aotanami/one:one`, ...args)).toBe(0);
    expect(stdout.join('')).toBe('');
    expect(readFileSync(file, 'utf8')).toBe(printed);
  });
});
