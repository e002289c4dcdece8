import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildIdentityPolicy, identityMatches } from '@release-actions/verify';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Layout, SKOPEO, type BuiltIndex } from '../../harness/images.js';
import { requireTool, startRegistry, type Registry } from '../../harness/registry.js';
import { load, RELEASE_WORKFLOW, type Workflow } from './model.js';

/**
 * The two shell steps of release.yml that decide something, run here with bash exactly as the
 * runner would (the script from the workflow file, its env, a GITHUB_OUTPUT file): the plan job's
 * input checks, the push of the built image and its tagging after the gate (against a real registry
 * on loopback), and the verify job's signing identity.
 */

const workflow = load<Workflow>(RELEASE_WORKFLOW);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'release-scripts-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function script(job: string, id: string): string {
  const step = workflow.jobs![job]!.steps!.find((s) => s.id === id);
  if (!step?.run) throw new Error(`no run step ${job}.${id}`);
  return step.run;
}

let runs = 0;

interface Exec {
  status: number | null;
  stdout: string;
  stderr: string;
  raw: Buffer;
}

/**
 * A child process without blocking the event loop: the loopback registry runs in this process's
 * care, and a blocked loop would leave its log pipe full and the registry stalled.
 */
function exec(command: string, args: string[], env: NodeJS.ProcessEnv, timeout = 60_000): Promise<Exec> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      const raw = Buffer.concat(out);
      resolve({ status, stdout: raw.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), raw });
    });
  });
}

/** Runs a step's script with its env (expressions replaced by the values given). */
async function run(job: string, id: string, env: Record<string, string>) {
  const dir = path.join(scratch, String(++runs));
  const output = path.join(dir, 'output');
  const file = path.join(dir, 'step.sh');
  mkdirSync(dir, { recursive: true });
  writeFileSync(output, '');
  writeFileSync(file, script(job, id));
  const result = await exec('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', file], {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GITHUB_OUTPUT: output,
    RUNNER_TEMP: dir,
    ...env,
  });
  const outputs = Object.fromEntries(
    readFileSync(output, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, outputs };
}

describe('the plan step', () => {
  const tagPush = {
    IMAGE: 'ghcr.io/aotanami/aotanami',
    IMAGES: '',
    CONTEXT: '.',
    DOCKERFILE: '',
    PLATFORMS: 'linux/amd64',
    BUILD_ARGS: '',
    IMAGE_DIGEST: '',
    PROVENANCE: 'true',
    CHART_PATH: '',
    CHART_REGISTRY: '',
    SEVERITY_CUTOFF: 'high',
    MAX_IGNORE_DAYS: '365',
    RELEASE_TAG: '',
    EXTRA_ENDPOINTS: '',
    PRIVATE_REPOSITORY: 'false',
    ATTESTATION_STORE: 'both',
    MAKE_LATEST: 'true',
    AWS_ROLE_ARN: '',
    AWS_REGION_INPUT: '',
    GCP_PROVIDER: '',
    GCP_SERVICE_ACCOUNT: '',
    AZURE_CLIENT_ID: '',
    AZURE_TENANT_ID: '',
    AZURE_SUBSCRIPTION_ID: '',
    REGISTRY_SECRETS: 'false',
    CHART_USERNAME_SET: 'false',
    CHART_PASSWORD_SET: 'false',
    VISIBILITY: 'public',
    GIT_REF: 'refs/tags/v1.2.3',
    GIT_REF_NAME: 'v1.2.3',
    CALL_ID: '42-1-plan',
    INPUTS: JSON.stringify({ image: 'ghcr.io/aotanami/aotanami', provenance: true }, null, 2),
  };

  it('sets the env the script reads, each from an expression', async () => {
    const step = workflow.jobs!.plan!.steps!.find((s) => s.id === 'plan')!;
    expect(Object.keys(step.env!).sort()).toEqual(Object.keys(tagPush).sort());
    expect(step.run).not.toMatch(/\$\{\{/);
  });

  it('derives the registry, its endpoints, the tag and an artifact name on a tag push to ghcr.io', async () => {
    const result = await run('plan', 'plan', tagPush);
    expect(result.status).toBe(0);
    expect(result.outputs).toEqual({
      name: 'ghcr.io/aotanami/aotanami',
      registry: 'ghcr.io',
      'registry-endpoints': 'ghcr.io:443 pkg-containers.githubusercontent.com:443',
      'chart-registry': '',
      'chart-registry-endpoints': '',
      'chart-same-host': 'false',
      cloud: '',
      'chart-cloud': '',
      'cloud-region': '',
      'acr-name': '',
      tag: 'v1.2.3',
      'image-tag': 'v1.2.3',
      artifact: expect.stringMatching(/^release-[0-9a-f]{16}$/),
      matrix: expect.any(String),
    });
    // One image: one matrix entry with the inputs of today, today's artifact and asset names.
    expect(JSON.parse(result.outputs.matrix!)).toEqual({
      include: [
        {
          name: '',
          image: 'ghcr.io/aotanami/aotanami',
          context: '.',
          dockerfile: '',
          platforms: 'linux/amd64',
          'build-args': '',
          artifact: result.outputs.artifact,
          prefix: '',
          first: true,
        },
      ],
    });
  });

  it('knows Docker Hub, a registry with a port, and a chart registry; release-tag wins over the ref', async () => {
    const hub = await run('plan', 'plan', { ...tagPush, IMAGE: 'my-org/my-image' });
    expect(hub.outputs.registry).toBe('docker.io');
    expect(hub.outputs['registry-endpoints']!.split(' ')).toEqual([
      'index.docker.io:443',
      'registry-1.docker.io:443',
      'auth.docker.io:443',
      'production.cloudflare.docker.com:443',
      'docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com:443',
    ]);
    const local = await run('plan', 'plan', {
      ...tagPush,
      IMAGE: 'localhost:5000/app',
      CHART_PATH: 'charts/app',
      CHART_REGISTRY: 'oci://registry.example.com/charts',
      RELEASE_TAG: 'v2.0.0',
      GIT_REF: 'refs/heads/main',
      GIT_REF_NAME: 'main',
    });
    expect(local.status).toBe(0);
    expect(local.outputs).toMatchObject({
      registry: 'localhost:5000',
      'registry-endpoints': 'localhost:5000',
      'chart-registry': 'registry.example.com',
      'chart-registry-endpoints': 'registry.example.com:443',
      tag: 'v2.0.0',
    });
  });

  it('names artifacts differently for another attempt or a call with any other input', async () => {
    const first = (await run('plan', 'plan', tagPush)).outputs.artifact;
    expect((await run('plan', 'plan', tagPush)).outputs.artifact).toBe(first);
    expect((await run('plan', 'plan', { ...tagPush, CALL_ID: '42-2-plan' })).outputs.artifact).not.toBe(
      first,
    );
    // Two calls in one run that differ only in an input the plan does not check (a matrix over
    // build contexts, say) still get their own artifacts.
    const otherContext = JSON.stringify({ ...JSON.parse(tagPush.INPUTS), context: 'services/api' });
    expect((await run('plan', 'plan', { ...tagPush, INPUTS: otherContext })).outputs.artifact).not.toBe(
      first,
    );
  });

  it('adds the blob hosts of Quay, ECR and ACR, and validated extra endpoints, to the registry', async () => {
    const endpoints = async (image: string, extra = '') =>
      (await run('plan', 'plan', { ...tagPush, IMAGE: image, EXTRA_ENDPOINTS: extra })).outputs[
        'registry-endpoints'
      ]!.split(' ');
    expect(await endpoints('quay.io/org/app')).toEqual([
      'quay.io:443',
      'cdn.quay.io:443',
      'cdn01.quay.io:443',
      'cdn02.quay.io:443',
      'cdn03.quay.io:443',
    ]);
    expect(await endpoints('123456789012.dkr.ecr.eu-west-1.amazonaws.com/app')).toEqual([
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com:443',
      'api.ecr.eu-west-1.amazonaws.com:443',
      'prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com:443',
    ]);
    expect(await endpoints('myregistry.azurecr.io/app')).toEqual([
      'myregistry.azurecr.io:443',
      '*.data.azurecr.io:443',
      '*.blob.core.windows.net:443',
    ]);
    expect(await endpoints('europe-west1-docker.pkg.dev/project/repo/app')).toEqual([
      'europe-west1-docker.pkg.dev:443',
    ]);
    expect(
      await endpoints(
        'europe-west1-docker.pkg.dev/project/repo/app',
        'storage.googleapis.com:443,\n*.example.com:8443',
      ),
    ).toEqual(['europe-west1-docker.pkg.dev:443', 'storage.googleapis.com:443', '*.example.com:8443']);
  });

  it('puts the extra endpoints on the chart registry too, and nothing without a chart', async () => {
    const withChart = await run('plan', 'plan', {
      ...tagPush,
      CHART_PATH: 'charts/app',
      CHART_REGISTRY: 'oci://quay.io/org/charts',
      EXTRA_ENDPOINTS: 'mirror.example.com:443',
    });
    expect(withChart.outputs['chart-registry-endpoints']).toBe(
      'quay.io:443 cdn.quay.io:443 cdn01.quay.io:443 cdn02.quay.io:443 cdn03.quay.io:443 mirror.example.com:443',
    );
    const withoutChart = await run('plan', 'plan', { ...tagPush, EXTRA_ENDPOINTS: 'mirror.example.com:443' });
    expect(withoutChart.outputs['chart-registry-endpoints']).toBe('');
  });

  it('releases a private or internal repository only when the caller accepts the public log', async () => {
    for (const visibility of ['private', 'internal', '']) {
      const refused = await run('plan', 'plan', { ...tagPush, VISIBILITY: visibility });
      expect([visibility, refused.status]).toEqual([visibility, 2]);
      expect(refused.stdout).toContain("::error::Input 'private-repository'");
      expect(refused.stdout).toContain('public Rekor transparency log');
      const accepted = await run('plan', 'plan', {
        ...tagPush,
        VISIBILITY: visibility,
        PRIVATE_REPOSITORY: 'true',
      });
      expect([visibility, accepted.status]).toEqual([visibility, 0]);
    }
  });

  it.each([
    [{ IMAGE: 'ghcr.io/aotanami/aotanami:v1' }, "Input 'image'"],
    [{ IMAGE: 'ghcr.io/aotanami/aotanami@sha256:' + 'a'.repeat(64) }, "Input 'image'"],
    [{ IMAGE: 'ghcr.io/Aotanami/Aotanami' }, "Input 'image'"],
    [{ IMAGE: 'ghcr.io/x/$(id)' }, "Input 'image'"],
    [{ IMAGE_DIGEST: 'sha256:abc' }, "Input 'image-digest'"],
    [{ IMAGE_DIGEST: 'v1.2.3' }, "Input 'image-digest'"],
    [{ SEVERITY_CUTOFF: 'severe' }, "Input 'severity-cutoff'"],
    [{ CHART_PATH: 'charts/x' }, "Input 'chart-registry'"],
    [{ CHART_PATH: 'charts/x', CHART_REGISTRY: 'https://ghcr.io/x' }, "Input 'chart-registry'"],
    [{ GIT_REF: 'refs/heads/main', GIT_REF_NAME: 'main' }, "Input 'release-tag'"],
    [{ RELEASE_TAG: 'v1;rm -rf /' }, "Input 'release-tag'"],
    // A git tag is not always a registry tag: these would be refused by the registry after signing.
    [{ GIT_REF: 'refs/tags/v1+build', GIT_REF_NAME: 'v1+build' }, "Input 'release-tag'"],
    [{ GIT_REF: 'refs/tags/svc/v1+build', GIT_REF_NAME: 'svc/v1+build' }, "Input 'release-tag'"],
    [{ RELEASE_TAG: 'svc/' }, "Input 'release-tag'"],
    [{ RELEASE_TAG: 'svc/.v1' }, "Input 'release-tag'"],
    [{ RELEASE_TAG: '-svc/v1' }, "Input 'release-tag'"],
    [{ RELEASE_TAG: 'svc//v1' }, "Input 'release-tag'"],
    [{ RELEASE_TAG: '.v1' }, "Input 'release-tag'"],
    [{ RELEASE_TAG: '-v1' }, "Input 'release-tag'"],
    [{ RELEASE_TAG: 'v' + '1'.repeat(128) }, "Input 'release-tag'"],
    [{ IMAGE_DIGEST: `sha256:${'0'.repeat(64)}` }, "Input 'image-digest'"],
    [{ MAX_IGNORE_DAYS: '0' }, "Input 'max-ignore-days'"],
    [{ MAX_IGNORE_DAYS: '1.5' }, "Input 'max-ignore-days'"],
    [{ MAX_IGNORE_DAYS: '3651' }, "Input 'max-ignore-days'"],
    [{ EXTRA_ENDPOINTS: 'example.com' }, "Input 'allowed-endpoints'"],
    [{ EXTRA_ENDPOINTS: 'https://example.com:443' }, "Input 'allowed-endpoints'"],
    [{ EXTRA_ENDPOINTS: 'a.com:443 $(id):443' }, "Input 'allowed-endpoints'"],
    [{ EXTRA_ENDPOINTS: '*:443' }, "Input 'allowed-endpoints'"],
    [{ VISIBILITY: 'private' }, "Input 'private-repository'"],
  ])('refuses %j with one error line naming the input', async (change, name) => {
    const result = await run('plan', 'plan', { ...tagPush, ...change });
    expect(result.status).toBe(2);
    const errors = result.stdout.split('\n').filter((line) => line.startsWith('::error::'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(name);
    expect(result.outputs).toEqual({});
  });

  it('accepts a digest without provenance, any case of the severity, the longest registry tag', async () => {
    const result = await run('plan', 'plan', {
      ...tagPush,
      IMAGE_DIGEST: `sha256:${'0'.repeat(64)}`,
      PROVENANCE: 'false',
      SEVERITY_CUTOFF: 'Critical',
      RELEASE_TAG: `_${'v'.repeat(127)}`,
    });
    expect(result.status).toBe(0);
    expect(result.outputs.tag).toHaveLength(128);
  });
});

describe('the plan step: keyless cloud registry logins', () => {
  const base = {
    IMAGE: 'ghcr.io/aotanami/aotanami',
    IMAGES: '',
    CONTEXT: '.',
    DOCKERFILE: '',
    PLATFORMS: 'linux/amd64',
    BUILD_ARGS: '',
    IMAGE_DIGEST: '',
    PROVENANCE: 'false',
    CHART_PATH: '',
    CHART_REGISTRY: '',
    SEVERITY_CUTOFF: 'high',
    MAX_IGNORE_DAYS: '365',
    RELEASE_TAG: '',
    EXTRA_ENDPOINTS: '',
    PRIVATE_REPOSITORY: 'false',
    ATTESTATION_STORE: 'both',
    MAKE_LATEST: 'true',
    AWS_ROLE_ARN: '',
    AWS_REGION_INPUT: '',
    GCP_PROVIDER: '',
    GCP_SERVICE_ACCOUNT: '',
    AZURE_CLIENT_ID: '',
    AZURE_TENANT_ID: '',
    AZURE_SUBSCRIPTION_ID: '',
    REGISTRY_SECRETS: 'false',
    CHART_USERNAME_SET: 'false',
    CHART_PASSWORD_SET: 'false',
    VISIBILITY: 'public',
    GIT_REF: 'refs/tags/v1.2.3',
    GIT_REF_NAME: 'v1.2.3',
    CALL_ID: '42-1-plan',
    INPUTS: '{}',
  };
  const ecr = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
  const aws = { ...base, IMAGE: `${ecr}/app`, AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/release' };
  const gar = 'europe-west1-docker.pkg.dev';
  const gcp = {
    ...base,
    IMAGE: `${gar}/my-project/repo/app`,
    GCP_PROVIDER: 'projects/123456789/locations/global/workloadIdentityPools/github/providers/my-repo',
    GCP_SERVICE_ACCOUNT: 'release@my-project.iam.gserviceaccount.com',
  };
  const guid = (digit: string) =>
    `${digit.repeat(8)}-${digit.repeat(4)}-${digit.repeat(4)}-${digit.repeat(4)}-${digit.repeat(12)}`;
  const azure = {
    ...base,
    IMAGE: 'myregistry.azurecr.io/app',
    AZURE_CLIENT_ID: guid('1'),
    AZURE_TENANT_ID: guid('2'),
    AZURE_SUBSCRIPTION_ID: guid('3'),
  };

  it('logs in to ECR in the registry region, with the STS endpoint of that region', async () => {
    const result = await run('plan', 'plan', aws);
    expect(result.status).toBe(0);
    expect(result.outputs).toMatchObject({
      registry: ecr,
      cloud: 'aws',
      'cloud-region': 'eu-west-1',
      'acr-name': '',
      'chart-cloud': '',
      'chart-same-host': 'false',
    });
    expect(result.outputs['registry-endpoints']!.split(' ')).toEqual([
      `${ecr}:443`,
      'api.ecr.eu-west-1.amazonaws.com:443',
      'prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com:443',
      'sts.eu-west-1.amazonaws.com:443',
    ]);
    // The same region given explicitly, and a role with a path.
    const explicit = await run('plan', 'plan', {
      ...aws,
      AWS_REGION_INPUT: 'eu-west-1',
      AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/ci/release-app',
    });
    expect([explicit.status, explicit.outputs['cloud-region']]).toEqual([0, 'eu-west-1']);
  });

  it('logs in to Artifact Registry with Google STS and IAM credentials, provenance allowed', async () => {
    const result = await run('plan', 'plan', { ...gcp, PROVENANCE: 'true' });
    expect(result.status).toBe(0);
    expect(result.outputs).toMatchObject({ registry: gar, cloud: 'gcp', 'cloud-region': '' });
    expect(result.outputs['registry-endpoints']!.split(' ')).toEqual([
      `${gar}:443`,
      'sts.googleapis.com:443',
      'iamcredentials.googleapis.com:443',
    ]);
  });

  it('logs in to ACR by its registry name, with the Entra ID and ARM endpoints', async () => {
    const result = await run('plan', 'plan', azure);
    expect(result.status).toBe(0);
    expect(result.outputs).toMatchObject({ cloud: 'azure', 'acr-name': 'myregistry' });
    expect(result.outputs['registry-endpoints']!.split(' ')).toEqual([
      'myregistry.azurecr.io:443',
      '*.data.azurecr.io:443',
      '*.blob.core.windows.net:443',
      'login.microsoftonline.com:443',
      'management.azure.com:443',
    ]);
  });

  it('lends the login to the chart registry only on the same host', async () => {
    const same = await run('plan', 'plan', {
      ...aws,
      CHART_PATH: 'charts/app',
      CHART_REGISTRY: `oci://${ecr}/charts`,
    });
    expect(same.status).toBe(0);
    expect(same.outputs).toMatchObject({ 'chart-same-host': 'true', 'chart-cloud': 'aws' });
    expect(same.outputs['chart-registry-endpoints']).toContain('sts.eu-west-1.amazonaws.com:443');
    const other = await run('plan', 'plan', {
      ...aws,
      CHART_PATH: 'charts/app',
      CHART_REGISTRY: 'oci://ghcr.io/org/charts',
      CHART_USERNAME_SET: 'true',
      CHART_PASSWORD_SET: 'true',
    });
    expect(other.status).toBe(0);
    expect(other.outputs).toMatchObject({ 'chart-same-host': 'false', 'chart-cloud': '', cloud: 'aws' });
    expect(other.outputs['chart-registry-endpoints']).toBe(
      'ghcr.io:443 pkg-containers.githubusercontent.com:443',
    );
    // Without a cloud login, the same host still counts (for the registry-username/password pair).
    const plain = await run('plan', 'plan', {
      ...base,
      CHART_PATH: 'charts/app',
      CHART_REGISTRY: 'oci://ghcr.io/aotanami/charts',
    });
    expect(plain.outputs).toMatchObject({ 'chart-same-host': 'true', 'chart-cloud': '', cloud: '' });
  });

  it('accepts each attestation store and each make-latest value', async () => {
    for (const store of ['registry', 'both']) {
      expect([store, (await run('plan', 'plan', { ...base, ATTESTATION_STORE: store })).status]).toEqual([
        store,
        0,
      ]);
    }
    for (const latest of ['true', 'false', 'legacy']) {
      expect([latest, (await run('plan', 'plan', { ...base, MAKE_LATEST: latest })).status]).toEqual([
        latest,
        0,
      ]);
    }
  });

  const refusals: [Record<string, string>, string][] = [
    [
      { ...aws, GCP_PROVIDER: gcp.GCP_PROVIDER, GCP_SERVICE_ACCOUNT: gcp.GCP_SERVICE_ACCOUNT },
      "Input 'gcp-workload-identity-provider': one cloud login at a time, and aws-role-arn",
    ],
    [
      { ...gcp, AZURE_CLIENT_ID: guid('1') },
      "Input 'azure-client-id': one cloud login at a time, and gcp-workload-identity-provider",
    ],
    [
      { ...base, IMAGE: `${ecr}/app`, AWS_REGION_INPUT: 'eu-west-1' },
      "Input 'aws-region': given without aws-role-arn",
    ],
    [{ ...aws, AWS_ROLE_ARN: 'release' }, 'Input \'aws-role-arn\': "release" is not an IAM role ARN'],
    [{ ...aws, AWS_ROLE_ARN: 'arn:aws:iam::12345:role/release' }, "Input 'aws-role-arn'"],
    [{ ...aws, AWS_ROLE_ARN: 'arn:aws:iam::123456789012:user/release' }, "Input 'aws-role-arn'"],
    [{ ...aws, AWS_REGION_INPUT: 'Europe' }, 'Input \'aws-region\': "Europe" is not an AWS region'],
    [{ ...aws, AWS_REGION_INPUT: 'eu-west-1; id' }, "Input 'aws-region'"],
    [{ ...aws, AWS_REGION_INPUT: 'us-east-1' }, "Input 'aws-region': us-east-1, but the image registry"],
    [
      { ...aws, IMAGE: 'ghcr.io/org/app' },
      "Input 'aws-role-arn': the image registry ghcr.io is not Amazon ECR",
    ],
    [
      { ...aws, IMAGE: 'public.ecr.aws/org/app' },
      "Input 'aws-role-arn': the image registry public.ecr.aws is not Amazon ECR",
    ],
    [{ ...aws, PROVENANCE: 'true' }, "Input 'provenance': slsa-github-generator cannot log in"],
    [
      { ...aws, REGISTRY_SECRETS: 'true' },
      "Input 'aws-role-arn': the registry-username/registry-password secrets are given too",
    ],
    [
      { ...gcp, GCP_PROVIDER: '' },
      "Input 'gcp-service-account': given without gcp-workload-identity-provider",
    ],
    [{ ...gcp, GCP_SERVICE_ACCOUNT: '' }, 'Input \'gcp-service-account\': "" is not a service account email'],
    [{ ...gcp, GCP_SERVICE_ACCOUNT: 'release@gmail.com' }, "Input 'gcp-service-account'"],
    [
      { ...gcp, GCP_PROVIDER: 'github/my-repo' },
      'Input \'gcp-workload-identity-provider\': "github/my-repo" is not a provider resource name',
    ],
    [{ ...gcp, GCP_PROVIDER: `${gcp.GCP_PROVIDER}/x` }, "Input 'gcp-workload-identity-provider'"],
    [
      { ...gcp, IMAGE: 'gcr.io/my-project/app' },
      "Input 'gcp-workload-identity-provider': the image registry gcr.io is not Google Artifact Registry",
    ],
    [
      { ...gcp, REGISTRY_SECRETS: 'true' },
      "Input 'gcp-workload-identity-provider': the registry-username/registry-password",
    ],
    [{ ...azure, AZURE_TENANT_ID: '' }, 'Input \'azure-tenant-id\': "" is not a GUID'],
    [{ ...azure, AZURE_CLIENT_ID: 'my-app' }, 'Input \'azure-client-id\': "my-app" is not a GUID'],
    [{ ...azure, AZURE_SUBSCRIPTION_ID: `${guid('3')}x` }, "Input 'azure-subscription-id'"],
    [
      { ...azure, IMAGE: 'myregistry.example.com/app' },
      "Input 'azure-client-id': the image registry myregistry.example.com is not Azure Container Registry",
    ],
    [{ ...azure, PROVENANCE: 'true' }, "Input 'provenance'"],
    [
      { ...base, ATTESTATION_STORE: 'github' },
      'Input \'attestation-store\': "github" is not accepted; use registry or both.',
    ],
    [
      { ...base, MAKE_LATEST: 'yes' },
      'Input \'make-latest\': "yes" is not accepted; use true, false or legacy.',
    ],
    [
      { ...base, CHART_PASSWORD_SET: 'true' },
      "Secret 'chart-registry-password': give it with chart-registry-username",
    ],
    [{ ...base, CHART_USERNAME_SET: 'true' }, "Secret 'chart-registry-password'"],
  ];

  it.each(refusals.map(([change, message]) => [message, change] as const))(
    'refuses with one error line: %s',
    async (message, change) => {
      const result = await run('plan', 'plan', change);
      expect(result.status).toBe(2);
      const errors = result.stdout.split('\n').filter((line) => line.startsWith('::error::'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(message);
      expect(result.outputs).toEqual({});
    },
  );
});

describe('the cloud registry login step', () => {
  const JOBS = ['push', 'sbom', 'sign', 'verify', 'tag', 'chart'];
  const secret = 'eyJwYXlsb2FkIjoiZmFrZSJ9.short-lived-9f2c';

  /** A stand-in for aws or az on PATH that records its argv and prints `output` (or fails). */
  function fakeCli(name: string, output: string, exit = 0): { dir: string; argv: () => string[] } {
    const dir = mkdtempSync(path.join(scratch, `${name}-`));
    const log = path.join(dir, 'argv');
    writeFileSync(
      path.join(dir, name),
      `#!/bin/bash\nprintf '%s\\n' "$@" > '${log}'\n${exit === 0 ? `printf '%s\\n' '${output}'` : `echo 'An error occurred' >&2; exit ${exit}`}\n`,
      { mode: 0o755 },
    );
    return { dir, argv: () => readFileSync(log, 'utf8').trim().split('\n') };
  }

  const env = (cli: string | undefined, extra: Record<string, string>) => ({
    PATH: `${cli ? `${cli}:` : ''}${process.env.PATH ?? '/usr/bin:/bin'}`,
    REGISTRY: 'registry.example',
    CLOUD_REGION: '',
    ACR_NAME: '',
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_SESSION_TOKEN: '',
    GCP_ACCESS_TOKEN: '',
    AZURE_CORE_COLLECT_TELEMETRY: 'false',
    ...extra,
  });

  it('is the same script in every job that reaches the registry', () => {
    for (const job of JOBS) expect([job, script(job, 'cloud')]).toEqual([job, script('push', 'cloud')]);
  });

  it('turns the ECR role credentials into the AWS user and a masked password', async () => {
    const aws = fakeCli('aws', secret);
    const result = await run(
      'push',
      'cloud',
      env(aws.dir, {
        CLOUD: 'aws',
        CLOUD_REGION: 'eu-west-1',
        REGISTRY: '1.dkr.ecr.eu-west-1.amazonaws.com',
      }),
    );
    expect(result.status).toBe(0);
    expect(result.outputs).toEqual({ username: 'AWS', password: secret });
    expect(aws.argv()).toEqual(['ecr', 'get-login-password', '--region', 'eu-west-1']);
    // Masked before anything else could print it; printed nowhere else.
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`::add-mask::${secret}`);
    expect(lines.slice(1).join('\n')).not.toContain(secret);
    expect(result.stderr).not.toContain(secret);
  });

  it('uses the Google access token as the oauth2accesstoken password', async () => {
    const result = await run('sbom', 'cloud', env(undefined, { CLOUD: 'gcp', GCP_ACCESS_TOKEN: secret }));
    expect(result.status).toBe(0);
    expect(result.outputs).toEqual({ username: 'oauth2accesstoken', password: secret });
    expect(result.stdout.split('\n')[0]).toBe(`::add-mask::${secret}`);
  });

  it('asks az for an ACR token of the registry, user 00000000-0000-0000-0000-000000000000', async () => {
    const az = fakeCli('az', secret);
    const result = await run('chart', 'cloud', env(az.dir, { CLOUD: 'azure', ACR_NAME: 'myregistry' }));
    expect(result.status).toBe(0);
    expect(result.outputs).toEqual({ username: '00000000-0000-0000-0000-000000000000', password: secret });
    expect(az.argv()).toEqual([
      'acr',
      'login',
      '--name',
      'myregistry',
      '--expose-token',
      '--output',
      'tsv',
      '--query',
      'accessToken',
      '--only-show-errors',
    ]);
  });

  it.each([
    [
      'aws fails',
      'aws',
      1,
      '',
      '::error::aws ecr get-login-password failed for registry.example (region eu-west-1)',
    ],
    ['az fails', 'az', 1, '', '::error::az acr login failed for registry.example'],
    ['aws prints nothing', 'aws', 0, '', '::error::The aws login gave no usable registry password'],
    ['az prints two words', 'az', 0, 'a b', '::error::The azure login gave no usable registry password'],
  ])('fails closed when %s, writing no credentials', async (_case, cli, exit, output, message) => {
    const fake = fakeCli(cli, output, exit);
    const result = await run(
      'tag',
      'cloud',
      env(fake.dir, {
        CLOUD: cli === 'aws' ? 'aws' : 'azure',
        CLOUD_REGION: 'eu-west-1',
        ACR_NAME: 'myregistry',
      }),
    );
    expect(result.status).toBe(2);
    expect(result.stdout.split('\n').filter((l) => l.startsWith('::error::'))).toEqual([
      expect.stringContaining(message),
    ]);
    expect(result.outputs).toEqual({});
  });

  it('fails closed without a Google token, and for a provider it does not know', async () => {
    const gcp = await run('verify', 'cloud', env(undefined, { CLOUD: 'gcp' }));
    expect([gcp.status, gcp.outputs]).toEqual([2, {}]);
    expect(gcp.stdout).toContain('::error::The gcp login gave no usable registry password');
    const other = await run('verify', 'cloud', env(undefined, { CLOUD: 'oracle' }));
    expect([other.status, other.outputs]).toEqual([2, {}]);
    expect(other.stdout).toContain('::error::No cloud login named "oracle".');
  });
});

/** A step's script run from a workspace of its own (steps that read and write relative paths). */
async function runIn(workspace: string, job: string, id: string, env: Record<string, string>) {
  const file = path.join(workspace, '..', `${path.basename(workspace)}-${job}-${id}.sh`);
  writeFileSync(file, script(job, id));
  const output = path.join(workspace, '..', `${path.basename(workspace)}-output`);
  writeFileSync(output, '');
  const result = await exec(
    'bash',
    ['-c', 'cd "$1" && bash --noprofile --norc -e -o pipefail "$2"', 'bash', workspace, file],
    { PATH: process.env.PATH ?? '/usr/bin:/bin', GITHUB_OUTPUT: output, ...env },
  );
  return { ...result, output: readFileSync(output, 'utf8') };
}

describe('the OpenVEX step of the scan job', () => {
  async function vex(openvex: string) {
    const workspace = mkdtempSync(path.join(scratch, 'workspace-'));
    const result = await runIn(workspace, 'scan', 'vex', { IMAGE: 'ghcr.io/o/api', OPENVEX: openvex });
    return { ...result, workspace };
  }
  const written = (workspace: string, file: string) =>
    readFileSync(path.join(workspace, 'release-actions-output/vex', file), 'utf8');

  it('hands the document on as release-actions-output/vex/openvex.json, beside the verdict', async () => {
    const source = path.join(mkdtempSync(path.join(scratch, 'vex-')), 'scan-openvex.json');
    writeFileSync(source, '{"@context":"https://openvex.dev/ns/v0.2.0"}');
    const result = await vex(source);
    expect(result.status).toBe(0);
    expect(result.output).toBe('file=openvex.json\n');
    expect(written(result.workspace, 'openvex.json')).toBe(readFileSync(source, 'utf8'));
    expect(JSON.parse(written(result.workspace, 'scan.json'))).toEqual({
      image: 'ghcr.io/o/api',
      verdict: 'pass',
      openvex: 'openvex.json',
    });
  });

  it('without a document, writes the verdict alone (the artifact every later leg downloads)', async () => {
    const result = await vex('');
    expect(result.status).toBe(0);
    expect(result.output).toBe('');
    expect(readdirSync(path.join(result.workspace, 'release-actions-output/vex'))).toEqual(['scan.json']);
    expect(JSON.parse(written(result.workspace, 'scan.json'))).toMatchObject({ openvex: '' });
  });

  it('fails closed when the scan named a document that is not there', async () => {
    const result = await vex(path.join(scratch, 'no-such-openvex.json'));
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('::error::The scan named an OpenVEX document it did not write');
    expect(result.output).toBe('');
  });
});

describe('the signing identity step of the verify job', () => {
  const server = 'https://github.com';
  const byTag = 'aotanami/release-actions/.github/workflows/release.yml@refs/tags/v1.2.3';
  const bySha =
    'aotanami/release-actions/.github/workflows/release.yml@0123456789abcdef0123456789abcdef01234567';

  function identity(workflowRef: string) {
    return run('verify', 'identity', { SERVER_URL: server, WORKFLOW_REF: workflowRef });
  }

  it.each([byTag, bySha])(
    'for %s, an anchored, escaped regexp that verify accepts and that matches it',
    async (ref) => {
      const result = await identity(ref);
      expect(result.status).toBe(0);
      const regexp = result.outputs.regexp!;
      expect(regexp).toBe(`^${`${server}/${ref}`.replace(/[.]/g, '\\.')}$`);
      const policy = buildIdentityPolicy({
        repository: 'aotanami/aotanami',
        signer: 'reusable-workflow',
        identityRegexp: regexp,
      });
      expect(policy.warning).toBeUndefined();
      expect(identityMatches(policy, `${server}/${ref}`)).toBe(true);
    },
  );

  it('matches nothing else: another ref, a lookalike repository or workflow', async () => {
    const regexp = (await identity(byTag)).outputs.regexp!;
    const policy = buildIdentityPolicy({
      repository: 'aotanami/aotanami',
      signer: 'reusable-workflow',
      identityRegexp: regexp,
    });
    for (const other of [
      `${server}/aotanami/release-actions/.github/workflows/release.yml@refs/tags/v1.2.30`,
      `${server}/aotanami/release-actions/.github/workflows/release.yml@refs/heads/v1.2.3`,
      `${server}/aotanami/release-actionsx/.github/workflows/release.yml@refs/tags/v1.2.3`,
      `${server}/aotanami/release-actions/.github/workflows/releasexyml@refs/tags/v1.2.3`,
      `https://github.com.evil.example/aotanami/release-actions/.github/workflows/release.yml@refs/tags/v1.2.3`,
    ]) {
      expect([other, identityMatches(policy, other)]).toEqual([other, false]);
    }
  });

  it('fails closed without a workflow ref of the expected shape', async () => {
    for (const bad of [
      '',
      'release.yml',
      'aotanami/release-actions/.github/workflows/release.yml',
      'a/b/.github/workflows/x.yml@ref with space',
    ]) {
      const result = await identity(bad);
      expect([bad, result.status]).toEqual([bad, 2]);
      expect(result.outputs).toEqual({});
    }
  });
});

describe('the push and tag steps, against a registry on loopback', () => {
  const credentials = { username: 'release', password: 'loopback-secret-9c1f' };
  let registry: Registry;
  let layout: Layout;
  let built: BuiltIndex;
  let home: string;
  let archive: string;

  /** What the runner's skopeo finds in $HOME: a policy that accepts images, and plain HTTP to the loopback registry. */
  function containersConfig(host: string): string {
    const dir = mkdtempSync(path.join(scratch, 'home-'));
    mkdirSync(path.join(dir, '.config', 'containers'), { recursive: true });
    writeFileSync(
      path.join(dir, '.config', 'containers', 'policy.json'),
      JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }),
    );
    writeFileSync(
      path.join(dir, '.config', 'containers', 'registries.conf'),
      `[[registry]]\nlocation = "${host}"\ninsecure = true\n`,
    );
    return dir;
  }

  /** An OCI archive laid out as buildx's oci exporter writes it: index.json naming one index. */
  async function buildxArchive(): Promise<string> {
    const index = path.join(layout.dir, 'index.json');
    writeFileSync(index, JSON.stringify({ schemaVersion: 2, manifests: [built.index] }));
    const file = path.join(scratch, 'image.tar');
    const tar = await exec(
      'tar',
      ['-C', layout.dir, '-cf', file, 'oci-layout', 'index.json', 'blobs'],
      process.env,
    );
    if (tar.status !== 0) throw new Error(`tar: ${tar.stderr}`);
    return file;
  }

  /** skopeo as the test's own client of the registry (credentials on its command line are test data). */
  function skopeo(...args: string[]): Promise<Exec> {
    return exec(
      SKOPEO,
      [
        args[0]!,
        '--tls-verify=false',
        '--creds',
        `${credentials.username}:${credentials.password}`,
        ...args.slice(1),
      ],
      { ...process.env, HOME: home },
    );
  }

  /** The repository's tags (distribution answers 404 for a repository without any). */
  async function tags(repository: string): Promise<string[]> {
    const result = await skopeo('list-tags', `docker://${registry.host}/${repository}`);
    if (result.status !== 0) {
      if (/status code from registry 404/.test(result.stderr)) return [];
      throw new Error(`skopeo list-tags ${repository}: ${result.stderr}`);
    }
    return (JSON.parse(result.stdout) as { Tags: string[] }).Tags.sort();
  }

  async function hasManifest(repository: string, digest: string): Promise<boolean> {
    return (
      (await skopeo('inspect', '--raw', `docker://${registry.host}/${repository}@${digest}`)).status === 0
    );
  }

  /** The push step, with the archive where the download step puts it ($RUNNER_TEMP/image/image.tar). */
  async function push(env: Record<string, string>) {
    const temp = path.join(scratch, `archive-${++runs}`);
    mkdirSync(path.join(temp, 'image'), { recursive: true });
    writeFileSync(path.join(temp, 'image', 'image.tar'), readFileSync(archive));
    // The build leg's report of the digest, uploaded beside the archive.
    const { BUILT_DIGEST: builtDigest, ...rest } = env;
    if (builtDigest) writeFileSync(path.join(temp, 'image', 'built-digest'), `${builtDigest}\n`);
    return { ...(await run('push', 'push', { HOME: home, RUNNER_TEMP: temp, ...rest })), temp };
  }

  beforeAll(async () => {
    requireTool(SKOPEO, 'skopeo');
    requireTool('/usr/bin/jq', 'jq');
    registry = await startRegistry({ auth: credentials });
    layout = new Layout();
    built = layout.index('v1', [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
    ]);
    home = containersConfig(registry.host);
    archive = await buildxArchive();
  }, 60_000);

  afterAll(async () => {
    layout?.remove();
    await registry?.stop();
  });

  const login = () => ({
    REGISTRY: registry.host,
    REGISTRY_USERNAME: credentials.username,
    REGISTRY_PASSWORD: credentials.password,
  });

  it('pushes the archive by digest, unchanged, with no tag', async () => {
    const result = await push({
      ...login(),
      IMAGE: `${registry.host}/team/app`,
      BUILT_DIGEST: built.index.digest,
    });
    expect(result.stderr).not.toContain(credentials.password);
    expect(result.stdout).not.toContain(credentials.password);
    expect(result.status).toBe(0);
    expect(result.outputs).toEqual({ digest: built.index.digest });
    expect(await tags('team/app')).toEqual([]);
    // The index and every platform manifest arrived under their own digests.
    for (const digest of [built.index.digest, ...built.manifests.map((m) => m.digest)]) {
      expect([digest, await hasManifest('team/app', digest)]).toEqual([digest, true]);
    }
  }, 60_000);

  it('refuses an archive whose digest is not the one buildx reported', async () => {
    const other = `sha256:${'1'.repeat(64)}`;
    const result = await push({ ...login(), IMAGE: `${registry.host}/team/other`, BUILT_DIGEST: other });
    expect(result.status).toBe(2);
    expect(result.stdout).toContain(
      `::error::The OCI archive holds ${built.index.digest}, but buildx reported ${other}.`,
    );
    expect(await hasManifest('team/other', built.index.digest)).toBe(false);
  }, 60_000);

  it('fails without the registry password, and leaves no credentials behind', async () => {
    const result = await push({
      ...login(),
      REGISTRY_PASSWORD: '',
      IMAGE: `${registry.host}/team/anonymous`,
      BUILT_DIGEST: built.index.digest,
    });
    expect(result.status).not.toBe(0);
    expect(result.outputs).toEqual({});
    expect(await hasManifest('team/anonymous', built.index.digest)).toBe(false);
    const wrong = await push({
      ...login(),
      REGISTRY_PASSWORD: 'wrong',
      IMAGE: `${registry.host}/team/anonymous`,
      BUILT_DIGEST: '',
    });
    expect(wrong.status).not.toBe(0);
    expect(readdirSync(wrong.temp)).not.toContain('push-auth.json');
  }, 60_000);

  it('tags the pushed digest with the release tag after the gate', async () => {
    const tag = await run('tag', 'tag', {
      ...login(),
      HOME: home,
      IMAGE: `${registry.host}/team/app`,
      DIGEST: built.index.digest,
      TAG: 'v1.2.3',
    });
    expect(tag.status).toBe(0);
    expect(tag.stdout).toContain(`Tagged ${registry.host}/team/app:v1.2.3`);
    expect(await tags('team/app')).toEqual(['v1.2.3']);
    const tagged = await skopeo('inspect', '--raw', `docker://${registry.host}/team/app:v1.2.3`);
    expect(tagged.status).toBe(0);
    const hash = createHash('sha256').update(tagged.raw).digest('hex');
    expect(`sha256:${hash}`).toBe(built.index.digest);
  }, 60_000);

  it('refuses to tag something that is not a digest', async () => {
    const tag = await run('tag', 'tag', {
      ...login(),
      HOME: home,
      IMAGE: `${registry.host}/team/app`,
      DIGEST: 'latest',
      TAG: 'v9',
    });
    expect(tag.status).toBe(2);
    expect(tag.stdout).toContain('::error::No image digest to tag.');
    expect(await tags('team/app')).toEqual(['v1.2.3']);
  });
});
