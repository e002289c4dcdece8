import { afterAll, describe, expect, it } from '@jest/globals';
import { emitAdmission } from '@release-actions/verify';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { errors, NO_DNS_ENV, runBundle } from '../../harness/run-bundle.js';
import { runCli } from '../../harness/run-cli.js';

/**
 * `release-actions verify --emit kyverno|policy-controller` and the action's `emit` input, run as
 * built. The image names a registry that cannot resolve (.invalid, no DNS) and no cosign is on
 * PATH: writing a policy asks no registry and runs no tool, for a tag as for a digest.
 */
const IMAGE = 'registry.invalid/aotanami/aotanami:v1.2.3';
const REPOSITORY = 'aotanami/aotanami';
const scratch = mkdtempSync(path.join(os.tmpdir(), 'admission-e2e-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const cli = (args: string[]) =>
  runCli(['verify', ...args], {
    env: { ...NO_DNS_ENV, HOME: scratch, PATH: path.dirname(process.execPath) },
  });

describe('release-actions verify --emit kyverno|policy-controller', () => {
  it('prints the policy-controller policy, the same text the library writes, without a registry', async () => {
    const result = await cli([IMAGE, '--repository', REPOSITORY, '--emit', 'policy-controller']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const expected = await emitAdmission({
      admission: 'policy-controller',
      image: IMAGE,
      identity: { repository: REPOSITORY, signer: 'reusable-workflow' },
      checks: ['signature', 'sbom-spdx', 'sbom-cyclonedx', 'provenance'],
    });
    expect(result.stdout.trimEnd()).toBe(expected.yaml.trimEnd());
    const doc = parse(result.stdout);
    expect(doc.kind).toBe('ClusterImagePolicy');
    expect(doc.spec.images).toEqual([{ glob: 'registry.invalid/aotanami/aotanami*' }]);
  });

  it('writes the Kyverno policy whole to --output, and nothing to stdout', async () => {
    const file = path.join(scratch, 'kyverno.yaml');
    const result = await cli([
      `registry.invalid/aotanami/aotanami@sha256:${'a'.repeat(64)}`,
      '--repository',
      REPOSITORY,
      '--source-ref',
      'refs/tags/v1.2.3',
      '--checks',
      'signature,provenance',
      '--emit',
      'kyverno',
      '--output',
      file,
    ]);
    expect(result.stderr.trimEnd()).toBe(`verify: wrote ${file}`);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('--source-ref refs/tags/v1.2.3 --checks signature,provenance');
    const doc = parse(text);
    expect(doc.apiVersion).toBe('kyverno.io/v1');
    const [images] = doc.spec.rules[0].verifyImages;
    expect(images.attestors[0].entries[0].keyless.additionalExtensions).toEqual({
      githubWorkflowRepository: REPOSITORY,
      githubWorkflowRef: 'refs/tags/v1.2.3',
    });
    expect(images.attestations.map((a: { name: string }) => a.name)).toEqual(['provenance']);
    expect(readdirSync(scratch).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('prints JSON with --format json', async () => {
    const result = await cli([
      IMAGE,
      '--repository',
      REPOSITORY,
      '--emit',
      'policy-controller',
      '--format',
      'json',
    ]);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({
      engine: 'policy-controller',
      repository: 'registry.invalid/aotanami/aotanami',
    });
    expect(parse(json.policy).kind).toBe('ClusterImagePolicy');
  });

  it('refuses a Kyverno policy for a ref pattern in one line naming --source-ref', async () => {
    const result = await cli([IMAGE, '--repository', REPOSITORY, '--emit', 'kyverno']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('--source-ref');
  });

  it('names the accepted values of --emit in one line', async () => {
    const result = await cli([IMAGE, '--repository', REPOSITORY, '--emit', 'gatekeeper']);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd()).toBe(
      'release-actions: --emit: "gatekeeper" is not accepted; use one of report, commands, kyverno, policy-controller.',
    );
  });
});

describe('verify action, emit: kyverno|policy-controller', () => {
  it('sets the policy output and the summary, asking no registry', async () => {
    const result = await runBundle('verify', {
      inputs: {
        image: IMAGE,
        repository: REPOSITORY,
        emit: 'policy-controller',
        'source-ref': 'refs/tags/v1.2.3',
      },
      env: NO_DNS_ENV,
    });
    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.outputs.outcome).toBe('passed');
    const doc = parse(result.outputs.policy ?? '');
    expect(doc.kind).toBe('ClusterImagePolicy');
    expect(doc.spec.policy.data).toContain('a.githubWorkflowRef == "refs/tags/v1.2.3"');
    expect(result.outputs.verified).toBeUndefined();
    expect(result.summary).toContain('## Admission policy');
    expect(result.summary).toContain('apiVersion: policy.sigstore.dev/v1beta1');
  });

  it('writes the Kyverno policy with the pinned ref', async () => {
    const result = await runBundle('verify', {
      inputs: { image: IMAGE, repository: REPOSITORY, emit: 'kyverno', 'source-ref': 'refs/tags/v1.2.3' },
      env: NO_DNS_ENV,
    });
    expect(result.exitCode).toBe(0);
    expect(parse(result.outputs.policy ?? '').kind).toBe('ClusterPolicy');
  });

  it('fails with one error naming source-ref for a Kyverno policy over a ref pattern', async () => {
    const result = await runBundle('verify', {
      inputs: { image: IMAGE, repository: REPOSITORY, emit: 'kyverno' },
      env: NO_DNS_ENV,
    });
    expect(result.exitCode).toBe(1);
    expect(result.outputs.outcome).toBe('error');
    expect(result.outputs.policy).toBeUndefined();
    const found = errors(result);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain("Input 'source-ref'");
  });
});
