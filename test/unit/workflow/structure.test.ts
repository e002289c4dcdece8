import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import {
  ancestors,
  checkoutProblems,
  gateProblems,
  hardenRunnerProblems,
  load,
  ownAction,
  permissionMap,
  permissionProblems,
  permissionTable,
  pinProblems,
  read,
  RELEASE_WORKFLOW,
  releasingJobs,
  SLSA_GENERATOR,
  workflowFiles,
  type Job,
  type Step,
  type Workflow,
} from './model.js';

/**
 * The rules of issue 6 over the parsed release workflow (and, where they apply to any workflow,
 * over every workflow and example of this repository). Each rule is also shown to catch a
 * workflow that breaks it.
 */

const text = read(RELEASE_WORKFLOW);
const release = parse(text) as Workflow;
const table = permissionTable(read('docs/permissions.md'));
const pins = load<Record<string, { sha: string; tag: string }>>('test/fixtures/workflow/pins.json');

/** A deep copy of release.yml changed by `edit`. */
function mutated(edit: (workflow: Workflow & { jobs: Record<string, Job> }) => void): Workflow {
  const copy = parse(text) as Workflow & { jobs: Record<string, Job> };
  edit(copy);
  return copy;
}

describe('release.yml', () => {
  it('is a reusable workflow with the documented inputs, optional secrets and outputs', () => {
    const call = (release.on as { workflow_call: Record<string, Record<string, Record<string, unknown>>> })
      .workflow_call;
    expect(Object.keys(release.on as object)).toEqual(['workflow_call']);
    expect(Object.keys(call.inputs!)).toEqual(
      expect.arrayContaining([
        'image',
        'images',
        'context',
        'dockerfile',
        'platforms',
        'build-args',
        'image-digest',
        'binaries-artifact',
        'chart-path',
        'chart-registry',
        'severity-cutoff',
        'ignore-file',
        'only-fixed',
        'unknown-fails',
        'max-ignore-days',
        'upload-sarif',
        'provenance',
        'private-repository',
        'allowed-endpoints',
        'release-tag',
        'attestation-store',
        'publish-release',
        'make-latest',
        'aws-role-arn',
        'aws-region',
        'gcp-workload-identity-provider',
        'gcp-service-account',
        'azure-client-id',
        'azure-tenant-id',
        'azure-subscription-id',
      ]),
    );
    for (const [name, input] of Object.entries(call.inputs!)) {
      expect([name, typeof input.description]).toEqual([name, 'string']);
      expect([name, input.required === true || 'default' in input]).toEqual([name, true]);
    }
    expect(call.inputs!['severity-cutoff']).toMatchObject({ type: 'string', default: 'high' });
    expect(call.inputs!.provenance).toMatchObject({ type: 'boolean', default: true });
    expect(call.inputs!['release-tag']).toMatchObject({ type: 'string', default: '' });
    expect(call.inputs!['private-repository']).toMatchObject({ type: 'boolean', default: false });
    expect(call.inputs!['upload-sarif']).toMatchObject({ type: 'boolean', default: true });
    expect(call.inputs!['unknown-fails']).toMatchObject({ type: 'boolean', default: false });
    expect(call.inputs!['max-ignore-days']).toMatchObject({ type: 'number', default: 365 });
    // image or images, exactly one of them (plan checks).
    expect(call.inputs!.image).toMatchObject({ type: 'string', default: '' });
    expect(call.inputs!.images).toMatchObject({ type: 'string', default: '' });
    expect(call.inputs!['attestation-store']).toMatchObject({ type: 'string', default: 'both' });
    expect(call.inputs!['publish-release']).toMatchObject({ type: 'boolean', default: false });
    expect(call.inputs!['make-latest']).toMatchObject({ type: 'string', default: 'true' });
    for (const name of [
      'aws-role-arn',
      'aws-region',
      'gcp-workload-identity-provider',
      'gcp-service-account',
      'azure-client-id',
      'azure-tenant-id',
      'azure-subscription-id',
    ]) {
      expect([name, call.inputs![name]]).toEqual([
        name,
        expect.objectContaining({ type: 'string', default: '' }),
      ]);
    }
    expect(Object.keys(call.secrets!).sort()).toEqual([
      'build-secrets',
      'chart-registry-password',
      'chart-registry-username',
      'registry-password',
      'registry-username',
    ]);
    for (const secret of Object.values(call.secrets!)) expect(secret.required).toBe(false);
    expect(Object.keys(call.outputs!).sort()).toEqual([
      'chart-digest',
      'image-digest',
      'image-digests',
      'sbom-asset-urls',
      'scan-verdict',
    ]);
  });

  it('chains build → sbom → scan → sign | provenance | chart → verify → publish → tag', () => {
    const jobs = release.jobs!;
    expect(Object.keys(jobs)).toEqual([
      'plan',
      'build',
      'push',
      'digests',
      'sbom',
      'scan',
      'sign',
      'provenance',
      'chart',
      'binaries',
      'binaries-provenance',
      'verify',
      'publish',
      'tag',
      'receipt',
    ]);
    expect(ancestors(release, 'sbom')).toEqual(new Set(['plan', 'push', 'build', 'digests']));
    for (const id of ['sign', 'provenance', 'chart']) {
      expect([id, ancestors(release, id).has('scan')]).toEqual([id, true]);
      expect([id, ancestors(release, id).has('sign') || ancestors(release, id).has('chart')]).toEqual([
        id,
        false,
      ]);
    }
    expect(ancestors(release, 'verify')).toEqual(
      new Set(['plan', 'build', 'push', 'digests', 'sbom', 'scan', 'sign', 'provenance', 'chart']),
    );
    // Nothing is published, and no tag set, unless the release verified as a consumer verifies it.
    expect(ancestors(release, 'publish').has('verify')).toBe(true);
    expect(ancestors(release, 'tag')).toEqual(
      new Set([
        'plan',
        'build',
        'push',
        'digests',
        'sbom',
        'scan',
        'sign',
        'provenance',
        'chart',
        'binaries',
        'binaries-provenance',
        'publish',
        'verify',
      ]),
    );
    expect(jobs.provenance!.uses).toMatch(SLSA_GENERATOR);
    expect(jobs.provenance!.uses).toBe(
      'slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@v2.1.0',
    );
  });

  it('skips build and push only when image-digest is given, and the sbom job then runs on that digest', () => {
    expect(release.jobs!.build!.if).toMatch(/inputs\.image-digest == ''/);
    expect(release.jobs!.digests!.if).toMatch(
      /needs\.push\.result == 'skipped' && inputs\.image-digest != ''/,
    );
    expect(release.jobs!.sbom!.if).toMatch(/needs\.digests\.result == 'success'/);
    const map = release.jobs!.digests!.steps!.find((step) => step.id === 'map')!;
    expect(map.env).toMatchObject({ IMAGE_DIGEST: '${{ inputs.image-digest }}' });
  });

  it('each job runs our actions by $/ in the documented order', () => {
    const own = (id: string) =>
      (release.jobs![id]!.steps ?? []).map((step) => ownAction(step.uses)).filter((name) => name);
    expect(own('sbom')).toEqual(['setup', 'sbom']);
    expect(own('scan')).toEqual(['setup', 'scan']);
    expect(own('sign')).toEqual(['setup', 'sign', 'attest']);
    // The chart is gated before it is pushed: package, SBOM, scan, then push, sign, attest.
    expect(own('chart')).toEqual(['setup', 'chart', 'sbom', 'scan', 'chart', 'sign', 'attest']);
    const charts = release.jobs!.chart!.steps!.filter((step) => ownAction(step.uses) === 'chart');
    expect(charts[0]!.with).toMatchObject({ path: '${{ inputs.chart-path }}', push: false });
    expect(charts[0]!.with!.registry).toBeUndefined();
    expect(charts[1]!.with).toMatchObject({ package: '${{ steps.package.outputs.package }}' });
    expect(charts[1]!.id).toBe('chart');
    expect(own('publish')).toEqual(['publish']);
    expect(own('verify')).toEqual(['setup', 'verify', 'verify', 'verify', 'verify']);
    for (const job of Object.values(release.jobs!)) {
      for (const step of job.steps ?? []) {
        if (ownAction(step.uses)) expect(step.uses).toMatch(/^\$\/[a-z]+$/);
      }
    }
  });

  it('pushes by digest only, and puts the release tag on the image last, once verify passed', () => {
    const push = release.jobs!.push!.steps!.find((step) => step.id === 'push')!;
    expect(push.run).toMatch(/"docker:\/\/\$IMAGE@\$built"/);
    expect(push.run).not.toMatch(/\$TAG/);
    const tagging = Object.entries(release.jobs!).filter(([, job]) =>
      (job.steps ?? []).some((step) => /\$TAG/.test(step.run ?? '')),
    );
    expect(tagging.map(([id]) => id)).toEqual(['tag']);
    const tag = release.jobs!.tag!;
    expect(tag.steps!.map((step) => step.id ?? step.name)).toEqual([
      'Harden the runner',
      'aws',
      'gcp',
      'azure',
      'cloud',
      'tag',
    ]);
    expect(tag.steps!.at(-1)!.run).toMatch(/"docker:\/\/\$IMAGE:\$TAG"/);
    const condition = String(tag.if).replace(/\s+/g, ' ');
    expect(condition).toContain("needs.verify.result == 'success'");
    // An image given by image-digest (no push) keeps the tags it has.
    expect(condition).toContain("needs.push.result == 'success'");
    expect(condition).not.toMatch(/always\(\)/);
  });

  it('gates every platform and attests each platform SBOM pair through the platforms manifest', () => {
    const step = (job: string, name: string) =>
      release.jobs![job]!.steps!.find((s) => ownAction(s.uses) === name)!;
    expect(step('sbom', 'sbom').with).toMatchObject({ platforms: 'all', 'output-prefix': 'sbom' });
    const upload = release.jobs!.sbom!.steps!.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.with!.path).toBe('sbom/');
    expect(step('scan', 'scan').with!['sbom-manifest']).toBe(
      'release-actions-output/sbom/sbom-platforms.json',
    );
    expect(step('scan', 'scan').with!.sbom).toBeUndefined();
    expect(step('sign', 'attest').with!['sbom-manifest']).toBe(
      'release-actions-output/sbom/sbom-platforms.json',
    );
    expect(step('sign', 'attest').with!['sbom-spdx']).toBeUndefined();
    expect(step('sign', 'attest').with!['sbom-cyclonedx']).toBeUndefined();
  });

  it('passes the gate options through and never scans against a cached database', () => {
    for (const id of ['scan', 'chart']) {
      const scan = release.jobs![id]!.steps!.find((step) => ownAction(step.uses) === 'scan')!;
      expect([id, scan.with]).toEqual([
        id,
        expect.objectContaining({
          'severity-cutoff': '${{ inputs.severity-cutoff }}',
          'only-fixed': '${{ inputs.only-fixed }}',
          'unknown-fails': '${{ inputs.unknown-fails }}',
          'ignore-file': '${{ inputs.ignore-file }}',
          'max-ignore-days': '${{ inputs.max-ignore-days }}',
          'cache-db': false,
        }),
      ]);
    }
  });

  it('passes build secrets to BuildKit as secrets, uploads no build record, pins the builder images', () => {
    const steps = release.jobs!.build!.steps!;
    const build = steps.find((step) => step.uses?.startsWith('docker/build-push-action@'))!;
    expect(build.with!.secrets).toBe('${{ secrets.build-secrets }}');
    expect(String(build.with!['build-args'])).not.toMatch(/secrets\./);
    expect(build.env).toMatchObject({ DOCKER_BUILD_RECORD_UPLOAD: 'false' });
    expect(text.match(/secrets\.build-secrets/g)).toHaveLength(1);
    const qemu = steps.find((step) => step.uses?.startsWith('docker/setup-qemu-action@'))!;
    expect(qemu.with!.image).toMatch(/^tonistiigi\/binfmt:[\w.-]+@sha256:[0-9a-f]{64}$/);
    expect(String(qemu.with!['cache-image'])).toBe('false');
    const buildx = steps.find((step) => step.uses?.startsWith('docker/setup-buildx-action@'))!;
    expect(buildx.with!['driver-opts']).toMatch(/^image=moby\/buildkit:[\w.-]+@sha256:[0-9a-f]{64}$/);
    expect(String(buildx.with!['cache-binary'])).toBe('false');
  });

  it('disables sudo and containers in every job but the build', () => {
    for (const [id, job] of Object.entries(release.jobs!)) {
      if (!job.steps) continue;
      const harden = job.steps[0]!.with ?? {};
      expect([id, harden['disable-sudo-and-containers']]).toEqual([id, id === 'build' ? undefined : true]);
    }
  });

  it('forwards the private-repository acknowledgement to the SLSA generator', () => {
    expect(release.jobs!.provenance!.with).toMatchObject({
      'private-repository': '${{ inputs.private-repository }}',
    });
  });

  it('uploads SARIF with a category per target, also when the gate fails; an upload failure only warns', () => {
    for (const id of ['scan', 'chart']) {
      const steps = release.jobs![id]!.steps!;
      const scan = steps.find((step) => ownAction(step.uses) === 'scan')!;
      const upload = steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
      expect(scan.with?.category).toMatch(/^grype\/(image|chart)\//);
      expect(upload.with).toEqual({
        sarif_file: '${{ steps.scan.outputs.sarif }}',
        category: '${{ steps.scan.outputs.category }}',
      });
      expect(upload.if).toMatch(/!cancelled\(\)/);
      expect(upload.if).toMatch(/inputs\.upload-sarif/);
      expect(upload['continue-on-error']).toBe(true);
      expect(steps.indexOf(upload)).toBeGreaterThan(steps.indexOf(scan));
      const warning = steps[steps.indexOf(upload) + 1]!;
      expect(warning.if).toContain(`steps.${upload.id}.outcome == 'failure'`);
      expect(warning.run).toMatch(/^echo "::warning::/);
    }
    expect(release.jobs!.scan!.steps!.find((s) => ownAction(s.uses) === 'scan')!.with!.category).not.toBe(
      release.jobs!.chart!.steps!.find((s) => ownAction(s.uses) === 'scan')!.with!.category,
    );
  });

  it('publishes exactly the assets its arranging step names (the names: scripts.test.ts), with the chart SBOMs', () => {
    const publish = release.jobs!.publish!.steps!.find((step) => ownAction(step.uses) === 'publish')!;
    expect(publish.with!.files).toBe('release-actions-output/assets/*');
    const assets = release.jobs!.publish!.steps!.find((step) => step.id === 'assets')!;
    expect(assets.env).toEqual({
      MATRIX: '${{ needs.plan.outputs.matrix }}',
      ARTIFACT: '${{ needs.plan.outputs.artifact }}',
      CHART: "${{ inputs.chart-path != '' }}",
      BINARIES: "${{ needs.binaries.result == 'success' }}",
      BINARIES_PROVENANCE: '${{ needs.binaries-provenance.outputs.provenance-name }}',
    });
    const chartSbom = release.jobs!.chart!.steps!.find((step) => ownAction(step.uses) === 'sbom')!;
    expect(chartSbom.with!['output-prefix']).toBe('helm-sbom');
    const imageSbom = release.jobs!.sbom!.steps!.find((step) => ownAction(step.uses) === 'sbom')!;
    expect(imageSbom.with!['output-prefix']).toBe('sbom');
  });

  it('writes into the release notes the very commands verify ran with, on a draft at the released commit', () => {
    const steps = release.jobs!.verify!.steps!;
    const verifySteps = steps.filter((step) => ownAction(step.uses) === 'verify');
    const emitted = verifySteps.filter((step) => step.with?.emit === 'commands');
    const verifying = verifySteps.filter((step) => step.with?.emit === undefined);
    expect(emitted.map((step) => step.id)).toEqual(['commands', 'chart-commands']);
    expect(verifying).toHaveLength(2);
    emitted.forEach((step, index) => {
      const { emit, ...rest } = step.with!;
      expect([step.id, emit, rest, step.if]).toEqual([
        step.id,
        'commands',
        verifying[index]!.with,
        verifying[index]!.if,
      ]);
    });
    for (const step of verifySteps) {
      // The publisher's run: this repository, at exactly the ref that triggered it.
      expect(step.with).toMatchObject({
        repository: '${{ github.repository }}',
        'source-ref-pattern': '${{ github.ref }}',
        'source-ref': '${{ github.ref }}',
        'certificate-identity-regexp': '${{ steps.identity.outputs.regexp }}',
      });
    }
    // Each leg's commands travel to publish as that image's notes artifact.
    const notes = steps.find((step) => step.id === 'notes')!;
    expect(notes.env).toMatchObject({
      COMMANDS: '${{ steps.commands.outputs.commands }}',
      CHART_COMMANDS: '${{ steps.chart-commands.outputs.commands }}',
    });
    expect(steps[steps.indexOf(notes) + 1]!.with).toMatchObject({
      name: '${{ matrix.artifact }}-notes',
      path: 'release-actions-output/notes/notes.md',
    });
    expect(release.jobs!.verify!.outputs).toEqual({
      commands: '${{ steps.commands.outputs.commands }}',
      'chart-commands': '${{ steps.chart-commands.outputs.commands }}',
      report: '${{ steps.verify-image.outputs.report }}',
      'chart-report': '${{ steps.verify-chart.outputs.report }}',
    });
    const publish = release.jobs!.publish!.steps!.find((step) => ownAction(step.uses) === 'publish')!;
    expect(String(publish.with!['release-notes'])).toBe('${{ steps.assets.outputs.notes }}\n');
    expect(publish.with!['create-draft']).toBe(true);
    expect(publish.with!['target-commitish']).toBe('${{ github.sha }}');
  });

  it('names its artifacts per call and attempt, and never restores a cache', () => {
    for (const [id, job] of Object.entries(release.jobs!)) {
      for (const step of job.steps ?? []) {
        expect([id, step.uses ?? '']).not.toEqual([id, expect.stringMatching(/^actions\/cache/)]);
        // The image's stem (the call's artifact name, and -img-<name> with images: plan), the call's
        // for the chart, or every image's by a pattern on the call's.
        if (/^actions\/(upload|download)-artifact@/.test(step.uses ?? '')) {
          const name = step.with!.name ?? step.with!.pattern;
          expect([id, name]).toEqual([
            id,
            expect.stringMatching(
              /^(\$\{\{ matrix\.artifact \}\}-[a-z-]+|\$\{\{ needs\.plan\.outputs\.artifact \}\}-(helm-sbom|binaries)|\$\{\{ needs\.plan\.outputs\.artifact \}\}\*-[a-z]+|\$\{\{ inputs\.binaries-artifact \}\}|\$\{\{ needs\.binaries-provenance\.outputs\.provenance-name \}\})$/,
            ),
          ]);
          if (step.with!.pattern !== undefined) expect(step.with!.name).toBeUndefined();
        }
      }
    }
  });

  it('sends the job token to ghcr.io only, and registry credentials always as a pair', () => {
    const tokens = [...text.matchAll(/^.*github\.token.*$/gm)].map((m) => m[0]);
    expect(tokens.length).toBeGreaterThan(0);
    for (const line of tokens) {
      expect(line).toMatch(/needs\.plan\.outputs\.(chart-)?registry == 'ghcr\.io' && github\.token \|\| ''/);
    }
    // The actions refuse a user name without a password: each step's user name is followed by its password,
    // the same expression with the password of each source (the login's, the secret's, the token).
    const lines = text.split('\n');
    const users = lines
      .map((line, index) => ({ line, index }))
      .filter(({ line }) => /^ {10}(registry-username|REGISTRY_USERNAME): \$\{\{.*\}\}$/.test(line));
    expect(users.length).toBeGreaterThanOrEqual(10);
    for (const { line, index } of users) {
      const expected = line
        .replace('registry-username:', 'registry-password:')
        .replace('REGISTRY_USERNAME:', 'REGISTRY_PASSWORD:')
        .replaceAll('outputs.username', 'outputs.password')
        .replaceAll('registry-username', 'registry-password')
        .replaceAll('github.actor', 'github.token');
      expect([index + 1, lines[index + 1]]).toEqual([index + 1, expected]);
      expect([index + 1, line]).toEqual([
        index + 1,
        expect.stringMatching(
          /\(needs\.plan\.outputs\.(chart-)?registry == 'ghcr\.io' && github\.actor \|\| ''\) \}\}$/,
        ),
      ]);
    }
  });
});

describe('keyless cloud registry logins', () => {
  const jobs = release.jobs!;
  const LOGIN_JOBS = ['push', 'sbom', 'sign', 'verify', 'tag', 'chart'];
  const PROVIDERS: Record<string, string> = {
    aws: 'aws-actions/configure-aws-credentials@',
    gcp: 'google-github-actions/auth@',
    azure: 'azure/login@',
  };
  const holdsIdToken = (job: Job) => permissionMap(job.permissions)['id-token'] === 'write';
  const endpoints = (job: Job) => String(job.steps?.[0]?.with?.['allowed-endpoints'] ?? '');

  it('logs in, before anything reaches the registry, in exactly the jobs that reach it', () => {
    const withLogin = Object.entries(jobs)
      .filter(([, job]) => (job.steps ?? []).some((step) => step.id === 'cloud'))
      .map(([id]) => id);
    expect(withLogin.sort()).toEqual([...LOGIN_JOBS].sort());
    for (const id of LOGIN_JOBS) {
      const steps = jobs[id]!.steps!;
      const ids = steps.map((step) => step.id);
      const at = ids.indexOf('aws');
      expect([id, ids.slice(at, at + 4)]).toEqual([id, ['aws', 'gcp', 'azure', 'cloud']]);
      // Every use of the login's pair comes after the login.
      steps.forEach((step, index) => {
        if (JSON.stringify(step).includes('steps.cloud.outputs.'))
          expect([id, step.id, index > at + 3]).toEqual([id, step.id, true]);
      });
    }
  });

  it('runs each provider only when plan chose it, pinned, keeping credentials out of the environment', () => {
    for (const id of LOGIN_JOBS) {
      const variable = id === 'chart' ? 'chart-cloud' : 'cloud';
      const steps = jobs[id]!.steps!;
      for (const [provider, action] of Object.entries(PROVIDERS)) {
        const step = steps.find((s) => s.id === provider)!;
        expect([id, step.uses]).toEqual([id, expect.stringMatching(new RegExp(`^${action}[0-9a-f]{40}$`))]);
        expect([id, step.if]).toEqual([id, `\${{ needs.plan.outputs.${variable} == '${provider}' }}`]);
      }
      const login = steps.find((s) => s.id === 'cloud')!;
      expect([id, login.if]).toEqual([id, `\${{ needs.plan.outputs.${variable} != '' }}`]);
      expect(login.run).not.toMatch(/\$\{\{/);
      const aws = steps.find((s) => s.id === 'aws')!.with!;
      expect(aws).toMatchObject({ 'output-credentials': true, 'output-env-credentials': false });
      const gcp = steps.find((s) => s.id === 'gcp')!.with!;
      expect(gcp).toMatchObject({
        token_format: 'access_token',
        create_credentials_file: false,
        export_environment_variables: false,
      });
    }
  });

  it('gives id-token only to jobs that sign or log in, never to the build', () => {
    const holders = Object.entries(jobs)
      .filter(([, job]) => holdsIdToken(job))
      .map(([id]) => id)
      .sort();
    expect(holders).toEqual([
      'binaries',
      'binaries-provenance',
      'chart',
      'provenance',
      'push',
      'sbom',
      'sign',
      'tag',
      'verify',
    ]);
    expect(holdsIdToken(jobs.build!)).toBe(false);
    expect(JSON.stringify(jobs.build)).not.toMatch(
      /aws-actions|google-github-actions|azure\/login|steps\.cloud/,
    );
  });

  const reachFulcio = (workflow: Workflow) =>
    Object.entries(workflow.jobs ?? {})
      .filter(([, job]) => /fulcio|\*\.sigstore\.dev/.test(endpoints(job)))
      .map(([id]) => id)
      .sort();

  it('lets only the signing jobs reach Fulcio: an OIDC token held for a login cannot become a certificate', () => {
    expect(reachFulcio(release)).toEqual(['binaries', 'chart', 'sign']);
    for (const id of ['push', 'sbom', 'verify', 'tag']) {
      expect([id, holdsIdToken(jobs[id]!), endpoints(jobs[id]!)]).toEqual([
        id,
        true,
        expect.not.stringMatching(/fulcio|\*\.sigstore\.dev/),
      ]);
    }
  });

  it('catches a login job that could reach Fulcio', () => {
    const broken = mutated((w) => {
      const harden = w.jobs.tag!.steps![0]!;
      harden.with = {
        ...harden.with,
        'allowed-endpoints': `fulcio.sigstore.dev:443 ${endpoints(w.jobs.tag!)}`,
      };
    });
    expect(reachFulcio(broken)).toEqual(['binaries', 'chart', 'sign', 'tag']);
  });

  it('lets the logins reach their token endpoints, which plan adds to the registry endpoints', () => {
    for (const id of ['push', 'sbom', 'sign', 'verify', 'tag']) {
      expect([id, endpoints(jobs[id]!)]).toEqual([
        id,
        expect.stringContaining('needs.plan.outputs.registry-endpoints'),
      ]);
    }
    expect(endpoints(jobs.chart!)).toContain('needs.plan.outputs.chart-registry-endpoints');
  });

  it('lets the SLSA generator log in to Artifact Registry itself, and never with a login of ours', () => {
    expect(jobs.provenance!.with).toMatchObject({
      'gcp-workload-identity-provider': '${{ inputs.gcp-workload-identity-provider }}',
      'gcp-service-account': '${{ inputs.gcp-service-account }}',
    });
    expect(JSON.stringify(jobs.provenance)).not.toContain('steps.cloud');
  });
});

describe('credentials never cross registry hosts', () => {
  const jobs = release.jobs!;
  /** Where a chart credential may name the image registry's credentials: on the same host only. */
  const SAME_HOST =
    /\(needs\.plan\.outputs\.chart-same-host == 'true' && \(steps\.cloud\.outputs\.(username|password) \|\| secrets\.registry-\1\) \|\| ''\)/g;
  const IMAGE_CREDENTIALS = /secrets\.registry-(username|password)|steps\.cloud\.outputs\./;

  /** Every step of `job` that talks to the chart registry, with its credential values. */
  function chartSteps(job: string): Step[] {
    return jobs[job]!.steps!.filter((step) =>
      /needs\.chart\.outputs\.reference|inputs\.chart-registry/.test(JSON.stringify(step.with ?? {})),
    );
  }

  it('the chart job names the image credentials only under the same-host condition', () => {
    const text = JSON.stringify(jobs.chart).replace(SAME_HOST, '');
    expect(text).not.toMatch(IMAGE_CREDENTIALS);
    // Its own login runs only for the image registry's host.
    expect(JSON.stringify(jobs.chart)).toContain("needs.plan.outputs.chart-cloud != ''");
  });

  it('every step that reaches the chart registry takes the chart pair, the image pair on the same host, or the ghcr.io token', () => {
    const steps = [...chartSteps('chart'), ...chartSteps('verify')];
    expect(steps.length).toBe(3);
    for (const step of steps) {
      for (const [key, kind, fallback] of [
        ['registry-username', 'username', 'github.actor'],
        ['registry-password', 'password', 'github.token'],
      ] as const) {
        expect([step.id, step.with![key]]).toEqual([
          step.id,
          `\${{ secrets.chart-registry-${kind} || (needs.plan.outputs.chart-same-host == 'true' && (steps.cloud.outputs.${kind} || secrets.registry-${kind}) || '') || (needs.plan.outputs.chart-registry == 'ghcr.io' && ${fallback} || '') }}`,
        ]);
      }
    }
  });

  it('the image registry never gets the chart credentials, and the chart secrets reach only chart steps', () => {
    const chartIds = new Set([...chartSteps('chart'), ...chartSteps('verify')]);
    for (const [id, job] of Object.entries(jobs)) {
      for (const step of job.steps ?? []) {
        if (chartIds.has(step) || (id === 'plan' && step.id === 'plan')) continue;
        expect([id, step.id ?? step.name, JSON.stringify(step)]).toEqual([
          id,
          step.id ?? step.name,
          expect.not.stringContaining('secrets.chart-registry-'),
        ]);
      }
    }
    // plan sees only whether they are set.
    const plan = jobs.plan!.steps!.find((step) => step.id === 'plan')!;
    for (const value of Object.values(plan.env!)
      .map(String)
      .filter((v) => v.includes('secrets.'))) {
      expect(value).toMatch(/^\$\{\{ (secrets\.[a-z-]+ != '' \|\| )*secrets\.[a-z-]+ != '' \}\}$/);
    }
  });

  it('catches a chart step handed the image password on another host', () => {
    const broken = mutated((w) => {
      const push = w.jobs.chart!.steps!.find((step) => step.id === 'chart')!;
      push.with = {
        ...push.with,
        'registry-password': '${{ secrets.chart-registry-password || secrets.registry-password }}',
      };
    });
    expect(JSON.stringify(broken.jobs!.chart).replace(SAME_HOST, '')).toMatch(IMAGE_CREDENTIALS);
  });
});

describe('attestation store, VEX and immutable releases', () => {
  const jobs = release.jobs!;
  const own = (job: string, name: string) =>
    jobs[job]!.steps!.filter((step) => ownAction(step.uses) === name);

  it('signs and attests into the store the caller chose, and verifies from the same places', () => {
    for (const job of ['sign', 'chart']) {
      for (const step of [...own(job, 'sign'), ...own(job, 'attest')]) {
        expect([job, step.id, step.with!.store]).toEqual([job, step.id, '${{ inputs.attestation-store }}']);
      }
      expect(permissionMap(jobs[job]!.permissions).attestations).toBe('write');
    }
    const verifies = own('verify', 'verify');
    expect(verifies).toHaveLength(4);
    for (const step of verifies) {
      expect(step.with!.source).toBe('${{ inputs.attestation-store }}');
      // Only the native engine reads GitHub's attestation store.
      expect(step.with!.engine).toBe("${{ inputs.attestation-store == 'both' && 'native' || 'cosign' }}");
    }
    expect(permissionMap(jobs.verify!.permissions).attestations).toBe('read');
    // GitHub's attestation store is behind the API.
    for (const job of ['sign', 'verify', 'chart']) {
      expect([job, String(jobs[job]!.steps![0]!.with!['allowed-endpoints'])]).toEqual([
        job,
        expect.stringContaining('api.github.com:443'),
      ]);
    }
  });

  it('hands the OpenVEX document of the ignore rules from the gate to the attestation and the release', () => {
    expect(jobs.scan!.outputs!.openvex).toBe('${{ steps.vex.outputs.file }}');
    const scanSteps = jobs.scan!.steps!;
    const vex = scanSteps.find((step) => step.id === 'vex')!;
    // After the gate, without a condition of its own: only a passing scan gets there.
    expect(vex.if).toBeUndefined();
    expect(vex.env).toEqual({ IMAGE: '${{ matrix.image }}', OPENVEX: '${{ steps.scan.outputs.openvex }}' });
    const upload = scanSteps[scanSteps.indexOf(vex) + 1]!;
    expect(upload.uses).toMatch(/^actions\/upload-artifact@/);
    expect(upload.if).toBeUndefined();
    expect(upload.with).toMatchObject({
      name: '${{ matrix.artifact }}-vex',
      path: 'release-actions-output/vex/',
    });
    expect(scanSteps.indexOf(vex)).toBeGreaterThan(scanSteps.findIndex((step) => step.id === 'scan'));

    // Each leg reads its own image's artifact: whether there is a VEX document is per image.
    const download = (job: string) =>
      jobs[job]!.steps!.find(
        (step) =>
          step.uses?.startsWith('actions/download-artifact@') &&
          String(step.with!.name ?? step.with!.pattern).endsWith('-vex'),
      )!;
    for (const job of ['sign', 'verify']) {
      expect([job, download(job).if, download(job).with]).toEqual([
        job,
        undefined,
        { name: '${{ matrix.artifact }}-vex', path: 'release-actions-output/vex' },
      ]);
    }
    const present = "hashFiles('release-actions-output/vex/openvex.json') != ''";
    const attest = own('sign', 'attest')[0]!;
    expect(attest.with!.vex).toBe(`\${{ ${present} && 'release-actions-output/vex/openvex.json' || '' }}`);
    expect(download('publish').with).toEqual({
      pattern: '${{ needs.plan.outputs.artifact }}*-vex',
      path: 'release-actions-output/downloads',
    });
    // verify checks the VEX attestation exactly when one was made.
    for (const step of own('verify', 'verify').filter((s) => /matrix\.image/.test(String(s.with!.image)))) {
      expect(step.with!.checks).toBe(
        `\${{ format('signature,sbom-spdx,sbom-cyclonedx{0}{1}', inputs.provenance && ',provenance' || '', ${present} && ',vex' || '') }}`,
      );
    }
    // No step reads the VEX from the scan job's output, which is one leg's.
    for (const job of ['sign', 'verify', 'publish']) {
      expect([job, JSON.stringify(jobs[job]!.steps)]).toEqual([
        job,
        expect.not.stringContaining('needs.scan.outputs.openvex'),
      ]);
    }
  });

  it('publishes the release only after every asset, the receipt and the commands are on its draft', () => {
    const publish = own('publish', 'publish');
    expect(publish).toHaveLength(1);
    expect(publish[0]!.with).toMatchObject({
      'create-draft': true,
      'publish-release': '${{ inputs.publish-release }}',
      'make-latest': '${{ inputs.make-latest }}',
      receipt: '${{ toJSON(needs) }}',
    });
    // One step attaches everything and publishes: nothing is uploaded after it.
    const steps = jobs.publish!.steps!;
    expect(steps.at(-1)).toBe(publish[0]);
  });
});

describe('the gate', () => {
  it('scan is a needs ancestor of every job that signs, attests or publishes, and each requires its pass', () => {
    expect(releasingJobs(release)).toEqual([
      'binaries',
      'binaries-provenance',
      'chart',
      'provenance',
      'publish',
      'sign',
      'tag',
    ]);
    expect(gateProblems(release)).toEqual([]);
  });

  it('catches a signing job that does not need the gate', () => {
    const broken = mutated((w) => {
      w.jobs.sign!.needs = ['plan', 'sbom'];
    });
    expect(gateProblems(broken)).toContain('job "sign" signs, attests or publishes without needing "scan"');
  });

  it('catches a job that runs after a failed gate (always(), or no verdict check)', () => {
    const broken = mutated((w) => {
      w.jobs.chart!.if =
        "${{ always() && needs.scan.result == 'success' && needs.scan.outputs.verdict == 'pass' }}";
      w.jobs.publish!.if = "${{ !cancelled() && needs.sign.result == 'success' }}";
    });
    expect(gateProblems(broken)).toEqual([
      'job "chart" runs always()',
      `job "publish" has an if: that does not require the gate's success and verdict pass`,
    ]);
  });

  it('catches a gate that cannot fail', () => {
    const broken = mutated((w) => {
      const scan = w.jobs.scan!.steps!.find((step) => ownAction(step.uses) === 'scan')!;
      scan['continue-on-error'] = true;
      scan.with = { ...scan.with, 'fail-build': false };
    });
    expect(gateProblems(broken)).toEqual([
      'the scan step of "scan" has continue-on-error',
      'the scan step of "scan" does not fail the build',
    ]);
  });

  it('counts a job as releasing when it only calls the SLSA generator', () => {
    const broken = mutated((w) => {
      w.jobs.provenance!.needs = ['plan', 'sbom'];
    });
    expect(gateProblems(broken)).toContain(
      'job "provenance" signs, attests or publishes without needing "scan"',
    );
  });
});

describe('permissions', () => {
  it('docs/permissions.md has a row for every job, and each job is granted exactly that', () => {
    expect([...table.keys()].sort()).toEqual(Object.keys(release.jobs!).sort());
    expect(permissionProblems(release, table)).toEqual([]);
  });

  it('the table reads as documented', () => {
    expect(table.get('plan')).toEqual({});
    expect(table.get('sign')).toEqual({ attestations: 'write', 'id-token': 'write', packages: 'write' });
    expect(table.get('verify')).toEqual({ attestations: 'read', 'id-token': 'write', packages: 'read' });
    expect(table.get('build')).toEqual({ contents: 'read' });
    expect(table.get('provenance')).toEqual({ actions: 'read', 'id-token': 'write', packages: 'write' });
    expect(table.get('publish')).toEqual({ contents: 'write' });
  });

  it('catches a scope more, a scope less, another level, and top-level permissions', () => {
    const broken = mutated((w) => {
      w.permissions = { contents: 'read' };
      w.jobs.build!.permissions = { contents: 'read', packages: 'write' };
      w.jobs.sign!.permissions = { 'id-token': 'write' };
      w.jobs.publish!.permissions = { contents: 'read' };
      delete w.jobs.verify!.permissions;
    });
    expect(permissionProblems(broken, table)).toEqual([
      'top-level permissions are contents: read, expected {}',
      'job "build" is granted contents: read, packages: write; docs/permissions.md says contents: read',
      'job "sign" is granted id-token: write; docs/permissions.md says attestations: write, id-token: write, packages: write',
      'job "verify" has no permissions: of its own',
      'job "publish" is granted contents: read; docs/permissions.md says contents: write',
    ]);
  });

  it('catches a job the table does not list, and a row for a job that does not exist', () => {
    const broken = mutated((w) => {
      w.jobs.extra = { permissions: {}, steps: [] };
      delete w.jobs.plan;
    });
    expect(permissionProblems(broken, table)).toEqual([
      'job "extra" has no row in docs/permissions.md',
      'docs/permissions.md lists job "plan", which the workflow does not have',
    ]);
  });

  it('refuses a table without its markers or with a malformed row', () => {
    expect(() => permissionTable('| job | why |\n|---|---|\n')).toThrow(/markers/);
    expect(() =>
      permissionTable(
        '<!-- permissions:start -->\n| job | contents | why |\n|---|---|---|\n| a | read |\n<!-- permissions:end -->',
      ),
    ).toThrow(/row "a" has 2 cells/);
  });

  it('the example caller grants at least what the jobs of release.yml ask for', () => {
    const rank: Record<string, number> = { none: 0, read: 1, write: 2 };
    const needed: Record<string, string> = {};
    for (const job of Object.values(release.jobs!)) {
      for (const [scope, level] of Object.entries(permissionMap(job.permissions))) {
        if ((rank[level] ?? 0) > (rank[needed[scope] ?? 'none'] ?? 0)) needed[scope] = level;
      }
    }
    expect(needed).toEqual({
      actions: 'read',
      attestations: 'write',
      contents: 'write',
      'id-token': 'write',
      packages: 'write',
      'security-events': 'write',
    });
    const callers = workflowFiles()
      .map((file) => [file, load<Workflow>(file)] as const)
      .flatMap(([file, workflow]) =>
        Object.entries(workflow.jobs ?? {})
          .filter(([, job]) => /\/\.github\/workflows\/release\.yml@/.test(job.uses ?? ''))
          .map(([id, job]) => ({ where: `${file} jobs.${id}`, granted: permissionMap(job.permissions) })),
      );
    expect(callers.length).toBeGreaterThan(0);
    for (const { where, granted } of callers) expect([where, granted]).toEqual([where, needed]);
  });
});

describe.each(workflowFiles())('%s', (file) => {
  const workflow = load<Workflow>(file);

  it('starts every job that has steps with harden-runner and an explicit egress policy', () => {
    expect(hardenRunnerProblems(workflow)).toEqual([]);
  });

  it('sets persist-credentials: false on every checkout', () => {
    expect(checkoutProblems(workflow)).toEqual([]);
  });

  it('pins every uses: to a full SHA with its release comment (the SLSA generator to its tag)', () => {
    expect(pinProblems(file, read(file), pins)).toEqual([]);
  });

  it('has top-level permissions: {} and permissions on every job', () => {
    expect(workflow.permissions).toEqual({});
    for (const [id, job] of Object.entries(workflow.jobs ?? {})) {
      expect([id, job.permissions !== undefined]).toEqual([id, true]);
    }
  });
});

describe('the workflow checks catch', () => {
  const harden = (policy?: string, endpoints?: string): Step => ({
    uses: 'step-security/harden-runner@b09bb98e06d4d774595224525879c09bc6e98c40',
    with: {
      ...(policy ? { 'egress-policy': policy } : {}),
      ...(endpoints ? { 'allowed-endpoints': endpoints } : {}),
    },
  });

  it('harden-runner missing, not first, without a policy, blocking nothing listed, or auditing a privileged job', () => {
    const workflow: Workflow = {
      jobs: {
        none: { steps: [{ run: 'echo' }] },
        second: { steps: [{ run: 'echo' }, harden('block', 'github.com:443')] },
        nopolicy: { steps: [harden()] },
        nolist: { steps: [harden('block')] },
        writes: { permissions: { packages: 'write' }, steps: [harden('audit')] },
        secret: {
          permissions: {},
          steps: [harden('audit'), { run: 'echo', env: { T: '${{ secrets.TOKEN }}' } }],
        },
        fine: { permissions: { contents: 'read' }, steps: [harden('audit')] },
        called: { uses: 'owner/repo/.github/workflows/x.yml@0123456789abcdef0123456789abcdef01234567' },
      },
    };
    expect(hardenRunnerProblems(workflow)).toEqual([
      'job "none": step 1 is not step-security/harden-runner',
      'job "second": step 1 is not step-security/harden-runner',
      'job "nopolicy": harden-runner without egress-policy block or audit',
      'job "nolist": egress blocked without allowed-endpoints',
      'job "writes": egress only audited in a job with write access or secrets',
      'job "secret": egress only audited in a job with write access or secrets',
    ]);
  });

  it('a checkout that persists its credentials', () => {
    const workflow: Workflow = {
      jobs: {
        a: {
          steps: [
            { uses: 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1' },
            {
              uses: 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1',
              with: { 'persist-credentials': true },
            },
            {
              uses: 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1',
              with: { 'persist-credentials': false },
            },
          ],
        },
      },
    };
    expect(checkoutProblems(workflow)).toEqual([
      'job "a" step 1: actions/checkout without persist-credentials: false',
      'job "a" step 2: actions/checkout without persist-credentials: false',
    ]);
  });

  it('a tag, a short SHA, a SHA of another release, a wrong or missing comment, an unknown action, a generator by SHA', () => {
    const lines = [
      'jobs:',
      '  a:',
      '    steps:',
      '      - uses: actions/checkout@v7',
      '      - uses: actions/checkout@3d3c42e',
      '      - uses: actions/checkout@0123456789abcdef0123456789abcdef01234567 # v7.0.1',
      '      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.0',
      '      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1',
      '      - uses: someone/else@3d3c42e5aac5ba805825da76410c181273ba90b1 # v1.0.0',
      '      - uses: $/sign',
      '      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1',
      '  b:',
      '    uses: slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@f7dd8c54c2067bafc12ca7a55595d5ee9b75204a',
      '  c:',
      '    uses: slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@v2.1.0',
    ].join('\n');
    expect(pinProblems('x.yml', lines, pins)).toEqual([
      'x.yml:4: actions/checkout@v7 is not pinned to a full commit SHA',
      'x.yml:5: actions/checkout@3d3c42e is not pinned to a full commit SHA',
      'x.yml:6: actions/checkout pinned to 0123456789abcdef0123456789abcdef01234567, elsewhere to 3d3c42e5aac5ba805825da76410c181273ba90b1 (v7.0.1)',
      'x.yml:7: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 is v7.0.1, the comment says "v7.0.0"',
      'x.yml:8: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 is v7.0.1, the comment says ""',
      'x.yml:9: someone/else is not in test/fixtures/workflow/pins.json',
      'x.yml:13: slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@f7dd8c54c2067bafc12ca7a55595d5ee9b75204a: the SLSA generator verifies its own tag; reference it by vX.Y.Z',
    ]);
  });
});

describe('the root action', () => {
  const action = load<{ runs: { using: string; steps: Step[] }; inputs: Record<string, unknown> }>(
    'action.yml',
  );

  it('is the composite release: setup, sbom, scan (the gate), sign, attest, all by $/', () => {
    expect(action.runs.using).toBe('composite');
    const own = action.runs.steps.filter((step) => step.uses).map((step) => step.uses);
    expect(own).toEqual(['$/setup', '$/sbom', '$/scan', '$/sign', '$/attest']);
    for (const step of action.runs.steps) {
      expect(step['continue-on-error']).toBeUndefined();
      expect(step.if).toBeUndefined();
    }
  });

  it('passes the main inputs through and scans and attests the SBOMs it made', () => {
    const step = (name: string) => action.runs.steps.find((s) => s.uses === `$/${name}`)!;
    expect(step('sbom').with!.image).toBe('${{ inputs.image }}');
    expect(step('sign').with!.images).toBe('${{ inputs.image }}');
    expect(step('attest').with!.subject).toBe('${{ inputs.image }}');
    // Every platform of an index: its own SBOMs, its own verdict, its own attestations.
    expect(step('sbom').with!.platforms).toBe('all');
    expect(step('scan').with!['sbom-manifest']).toBe('${{ steps.sbom.outputs.manifest }}');
    expect(step('attest').with!['sbom-manifest']).toBe('${{ steps.sbom.outputs.manifest }}');
    expect(step('attest').with!['sbom-spdx']).toBeUndefined();
    expect(step('scan').with!['severity-cutoff']).toBe('${{ inputs.severity-cutoff }}');
    expect(step('scan').with!['unknown-fails']).toBe('${{ inputs.unknown-fails }}');
    expect(step('scan').with!['max-ignore-days']).toBe('${{ inputs.max-ignore-days }}');
    // A gate that ends in signing never trusts an Actions cache that other workflows can write.
    expect(step('scan').with!['cache-db']).toBe(false);
    expect(Object.keys(action.inputs)).not.toContain('platform');
    for (const name of [
      'image',
      'severity-cutoff',
      'only-fixed',
      'unknown-fails',
      'max-ignore-days',
      'ignore-file',
      'registry-username',
      'registry-password',
    ]) {
      expect(Object.keys(action.inputs)).toContain(name);
    }
  });
});
