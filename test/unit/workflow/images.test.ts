import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load, read, RELEASE_WORKFLOW, type Workflow } from './model.js';
import { evaluate, interpolate, runStep } from './steps.js';

/**
 * Several images in one release (the images input): plan's checks and matrix, run with bash; the
 * jobs of release.yml as GitHub's parser reads them, expanded over a three-image matrix with GitHub's
 * expression evaluator; the digests job that hands each leg its own digest; and the release assets,
 * whose names never clash across images, with the chart's, or with the single image's.
 */

const workflow = load<Workflow>(RELEASE_WORKFLOW);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'release-images-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const THREE = [
  {
    name: 'api',
    image: 'ghcr.io/aotanami/api',
    context: 'services/api',
    dockerfile: 'services/api/Dockerfile',
    platforms: 'linux/amd64,linux/arm64',
    'build-args': ['VERSION=1.2.3', 'MODE=release'],
  },
  {
    name: 'web',
    image: 'ghcr.io/aotanami/web',
    context: 'services/web',
    dockerfile: '',
    platforms: 'linux/amd64',
  },
  {
    name: 'worker-2',
    image: 'ghcr.io/aotanami/worker',
    context: '.',
    dockerfile: 'worker.Dockerfile',
    platforms: 'linux/arm64',
    'build-args': 'A=1\nB=2',
  },
];

const base = {
  IMAGE: '',
  IMAGES: JSON.stringify(THREE),
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
  INPUTS: '{}',
};

const plan = (env: Record<string, string>) => runStep(workflow, 'plan', 'plan', { ...base, ...env }, scratch);

interface Entry {
  name: string;
  image: string;
  artifact: string;
  prefix: string;
  first: boolean;
  [key: string]: unknown;
}

describe('plan, with images', () => {
  it('expands a three-image call into exactly this matrix, on one registry, with the release tag', () => {
    const result = plan({});
    expect(result.errors).toEqual([]);
    expect(result.status).toBe(0);
    const artifact = result.outputs.artifact!;
    expect(artifact).toMatch(/^release-[0-9a-f]{16}$/);
    expect(result.outputs).toMatchObject({
      name: '',
      registry: 'ghcr.io',
      'registry-endpoints': 'ghcr.io:443 pkg-containers.githubusercontent.com:443',
      tag: 'v1.2.3',
      'image-tag': 'v1.2.3',
    });
    expect(JSON.parse(result.outputs.matrix!)).toEqual({
      include: [
        {
          name: 'api',
          image: 'ghcr.io/aotanami/api',
          context: 'services/api',
          dockerfile: 'services/api/Dockerfile',
          platforms: 'linux/amd64,linux/arm64',
          'build-args': 'VERSION=1.2.3\nMODE=release',
          artifact: `${artifact}-img-api`,
          prefix: 'api-',
          first: true,
        },
        {
          name: 'web',
          image: 'ghcr.io/aotanami/web',
          context: 'services/web',
          dockerfile: '',
          platforms: 'linux/amd64',
          'build-args': '',
          artifact: `${artifact}-img-web`,
          prefix: 'web-',
          first: false,
        },
        {
          name: 'worker-2',
          image: 'ghcr.io/aotanami/worker',
          context: '.',
          dockerfile: 'worker.Dockerfile',
          platforms: 'linux/arm64',
          'build-args': 'A=1\nB=2',
          artifact: `${artifact}-img-worker-2`,
          prefix: 'worker-2-',
          first: false,
        },
      ],
    });
  });

  it('fills in the defaults of the single image for what an entry leaves out', () => {
    const result = plan({ IMAGES: '[{"name":"one","image":"quay.io/org/one"}]' });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.outputs.matrix!).include).toEqual([
      expect.objectContaining({ context: '.', dockerfile: '', platforms: 'linux/amd64', 'build-args': '' }),
    ]);
    expect(result.outputs.registry).toBe('quay.io');
  });

  const entry = (over: Record<string, unknown>) =>
    JSON.stringify([{ name: 'api', image: 'ghcr.io/o/api', ...over }]);
  const many = (count: number) =>
    JSON.stringify(Array.from({ length: count }, (_, i) => ({ name: `s${i}`, image: `ghcr.io/o/s${i}` })));

  it.each([
    ['not JSON', { IMAGES: '[{"name": "api"' }, "Input 'images': not JSON"],
    ['two JSON values', { IMAGES: '[] []' }, "Input 'images': a JSON sequence of values, not an array"],
    ['an object', { IMAGES: '{"name":"api"}' }, "Input 'images': a JSON object, not an array"],
    ['an empty array', { IMAGES: '[]' }, "Input 'images': 0 entries; give 1 to 20 images."],
    ['21 images', { IMAGES: many(21) }, "Input 'images': 21 entries; give 1 to 20 images."],
    [
      'an entry that is a string',
      { IMAGES: '["ghcr.io/o/api"]' },
      "Input 'images': entry 1 is not an object",
    ],
    ['an unknown key', { IMAGES: entry({ tags: ['x'] }) }, 'Input \'images\': entry 1 has the key "tags"'],
    [
      'no name',
      { IMAGES: '[{"image":"ghcr.io/o/api"}]' },
      "Input 'images': entry 1: name null is not a short id",
    ],
    ['a name in capitals', { IMAGES: entry({ name: 'API' }) }, 'name "API" is not a short id'],
    ['a name starting with -', { IMAGES: entry({ name: '-api' }) }, 'name "-api" is not a short id'],
    ['a name with a /', { IMAGES: entry({ name: 'svc/api' }) }, 'name "svc/api" is not a short id'],
    ['a name of 41 characters', { IMAGES: entry({ name: 'a'.repeat(41) }) }, 'is not a short id'],
    ['the name helm', { IMAGES: entry({ name: 'helm' }) }, "entry 1: the name helm is the chart's"],
    ['no image', { IMAGES: '[{"name":"api"}]' }, 'entry 1 (api): image must be a string'],
    [
      'an image with a tag',
      { IMAGES: entry({ image: 'ghcr.io/o/api:v1' }) },
      'entry 1 (api): "ghcr.io/o/api:v1" is not an image name',
    ],
    [
      'an image in capitals',
      { IMAGES: entry({ image: 'ghcr.io/O/api' }) },
      'is not an image name without tag or digest',
    ],
    [
      'platforms as an array',
      { IMAGES: entry({ platforms: ['linux/amd64'] }) },
      'context, dockerfile and platforms must be strings',
    ],
    [
      'build-args as an object',
      { IMAGES: entry({ 'build-args': { A: '1' } }) },
      'build-args must be NAME=value lines',
    ],
    [
      'a name twice',
      { IMAGES: '[{"name":"api","image":"ghcr.io/o/a"},{"name":"api","image":"ghcr.io/o/b"}]' },
      "Input 'images': the name api is given twice",
    ],
    [
      'an image twice',
      { IMAGES: '[{"name":"a","image":"ghcr.io/o/a"},{"name":"b","image":"ghcr.io/o/a"}]' },
      "Input 'images': the image ghcr.io/o/a is given twice",
    ],
    [
      'two registry hosts',
      { IMAGES: '[{"name":"a","image":"ghcr.io/o/a"},{"name":"b","image":"quay.io/o/b"}]' },
      "Input 'images': entry 2 (b) is on quay.io, entry 1 on ghcr.io",
    ],
    ['image and images', { IMAGE: 'ghcr.io/o/api' }, "Input 'images': give image or images, not both."],
    ['neither', { IMAGES: '' }, 'Input \'image\': "" is not an image name'],
    [
      'image-digest with images',
      { IMAGE_DIGEST: `sha256:${'a'.repeat(64)}`, PROVENANCE: 'false' },
      "Input 'image-digest'",
    ],
  ])('refuses %s with one error line, before anything runs', (_case, change, message) => {
    const result = plan(change);
    expect(result.status).toBe(2);
    expect(result.errors).toEqual([expect.stringContaining(message)]);
    expect(result.outputs).toEqual({});
  });

  it('accepts 20 images', () => {
    const result = plan({ IMAGES: many(20) });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.outputs.matrix!).include).toHaveLength(20);
  });
});

describe('release tags and registry tags', () => {
  const single = { IMAGES: '', IMAGE: 'ghcr.io/aotanami/aotanami' };

  it('keeps a plain tag as it is, for the release and the image', () => {
    const result = plan({ ...single, GIT_REF: 'refs/tags/v1.2.3', GIT_REF_NAME: 'v1.2.3' });
    expect([result.outputs.tag, result.outputs['image-tag']]).toEqual(['v1.2.3', 'v1.2.3']);
  });

  it("gives a monorepo tag's part after the last / to the images; the release keeps the whole tag", () => {
    const pushed = plan({ GIT_REF: 'refs/tags/svc/v1.2.3', GIT_REF_NAME: 'svc/v1.2.3' });
    expect(pushed.status).toBe(0);
    expect([pushed.outputs.tag, pushed.outputs['image-tag']]).toEqual(['svc/v1.2.3', 'v1.2.3']);
    const given = plan({ ...single, RELEASE_TAG: 'services/api/v2.0.0-rc.1' });
    expect([given.outputs.tag, given.outputs['image-tag']]).toEqual([
      'services/api/v2.0.0-rc.1',
      'v2.0.0-rc.1',
    ]);
  });

  it('refuses, with one line naming the mapping, a tag whose last part is no registry tag', () => {
    const result = plan({ GIT_REF: 'refs/tags/svc/v1+build', GIT_REF_NAME: 'svc/v1+build' });
    expect(result.status).toBe(2);
    expect(result.errors).toEqual([
      expect.stringContaining(
        'Input \'release-tag\': "svc/v1+build" maps to the registry tag "v1+build" (its part after the last /), which is not valid',
      ),
    ]);
  });
});

describe('the digests job', () => {
  const digest = (c: string) => `sha256:${c.repeat(64)}`;

  /** A workspace with what the download step leaves: one directory per push leg's artifact. */
  function pushed(entries: { stem: string; image: string; digest: string }[]): string {
    const workspace = mkdtempSync(path.join(scratch, 'digests-'));
    for (const { stem, image, digest } of entries) {
      const dir = path.join(workspace, 'release-actions-output/digests', `${stem}-digest`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'digest.json'), JSON.stringify({ image, digest }));
    }
    return workspace;
  }

  const matrix = () => JSON.parse(plan({}).outputs.matrix!) as { include: Entry[] };

  it("maps every image of the matrix to its own leg's digest", () => {
    const m = matrix();
    const workspace = pushed(
      m.include.map((e, i) => ({ stem: e.artifact, image: e.image, digest: digest('abc'[i]!) })),
    );
    const result = runStep(
      workflow,
      'digests',
      'map',
      { MATRIX: JSON.stringify(m), IMAGE_DIGEST: '' },
      scratch,
      workspace,
    );
    expect(result.errors).toEqual([]);
    expect(JSON.parse(result.outputs.map!)).toEqual({
      'ghcr.io/aotanami/api': digest('a'),
      'ghcr.io/aotanami/web': digest('b'),
      'ghcr.io/aotanami/worker': digest('c'),
    });
  });

  it('takes image-digest for the single image, and fails closed on a missing or foreign digest', () => {
    const one = {
      include: [{ name: '', image: 'ghcr.io/o/app', artifact: 'release-x', prefix: '', first: true }],
    };
    const given = runStep(
      workflow,
      'digests',
      'map',
      { MATRIX: JSON.stringify(one), IMAGE_DIGEST: digest('d') },
      scratch,
    );
    expect(JSON.parse(given.outputs.map!)).toEqual({ 'ghcr.io/o/app': digest('d') });

    const m = matrix();
    const missing = pushed([
      { stem: m.include[0]!.artifact, image: m.include[0]!.image, digest: digest('a') },
    ]);
    const short = runStep(
      workflow,
      'digests',
      'map',
      { MATRIX: JSON.stringify(m), IMAGE_DIGEST: '' },
      scratch,
      missing,
    );
    expect([short.status, short.outputs]).toEqual([2, {}]);
    expect(short.errors).toEqual([
      expect.stringContaining('The pushed digests are for ghcr.io/aotanami/api, not'),
    ]);

    const foreign = pushed(
      m.include.map((e) => ({
        stem: e.artifact,
        image: e.image,
        digest: e.name === 'web' ? 'latest' : digest('e'),
      })),
    );
    const bad = runStep(
      workflow,
      'digests',
      'map',
      { MATRIX: JSON.stringify(m), IMAGE_DIGEST: '' },
      scratch,
      foreign,
    );
    expect([bad.status, bad.errors]).toEqual([2, ['::error::No digest for ghcr.io/aotanami/web: "latest".']]);

    const none = runStep(
      workflow,
      'digests',
      'map',
      { MATRIX: JSON.stringify(m), IMAGE_DIGEST: '' },
      scratch,
    );
    expect(none.errors).toEqual(['::error::No pushed image digests were found.']);
  });
});

describe('the release assets', () => {
  const ARTIFACT = 'release-0123456789abcdef';
  /** What the sbom job writes for an image of two platforms (syft per platform, the manifest). */
  const SBOMS = [
    'sbom-spdx.json',
    'sbom-cyclonedx.json',
    'sbom-spdx-linux-amd64.json',
    'sbom-cyclonedx-linux-amd64.json',
    'sbom-spdx-linux-arm64.json',
    'sbom-cyclonedx-linux-arm64.json',
    'sbom-platforms.json',
  ];

  /** The downloads of the publish job, for the matrix entries given, with or without VEX and chart. */
  interface Layout {
    vex: boolean;
    chart: boolean;
    /** The caller's binaries (file names), with the provenance's artifact name when there is one. */
    binaries?: { files: string[]; provenance?: string };
  }

  function downloads(entries: Entry[], options: Layout): string {
    const workspace = mkdtempSync(path.join(scratch, 'publish-'));
    const put = (artifact: string, file: string, content = '{}') => {
      const dir = path.join(workspace, 'release-actions-output/downloads', artifact);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, file), content);
    };
    for (const e of entries) {
      for (const file of SBOMS) put(`${e.artifact}-sbom`, file);
      put(`${e.artifact}-vex`, 'scan.json');
      if (options.vex) put(`${e.artifact}-vex`, 'openvex.json');
      put(`${e.artifact}-notes`, 'notes.md', `commands of ${e.image}\n\n`);
    }
    if (options.chart) {
      put(`${ARTIFACT}-helm-sbom`, 'helm-sbom-spdx.json');
      put(`${ARTIFACT}-helm-sbom`, 'helm-sbom-cyclonedx.json');
    }
    if (options.binaries) {
      // As the binaries job uploads them: binaries/ beside the checksums and their bundle.
      for (const file of options.binaries.files) put('binaries/binaries', file, 'ELF');
      put('binaries', 'checksums.txt', 'sums');
      put('binaries', 'checksums.txt.sigstore.json');
      if (options.binaries.provenance) put('binaries-provenance', options.binaries.provenance, '{}');
    }
    return workspace;
  }

  const env = (entries: Entry[], options: Layout) => ({
    MATRIX: JSON.stringify({ include: entries }),
    ARTIFACT,
    CHART: String(options.chart),
    BINARIES: String(options.binaries !== undefined),
    BINARIES_PROVENANCE: options.binaries?.provenance ?? '',
  });

  function arrange(entries: Entry[], options: Layout) {
    const workspace = downloads(entries, options);
    const result = runStep(workflow, 'publish', 'assets', env(entries, options), scratch, workspace);
    const dir = path.join(workspace, 'release-actions-output/assets');
    return { ...result, assets: result.status === 0 ? readdirSync(dir).sort() : [] };
  }

  const single: Entry = { name: '', image: 'ghcr.io/o/app', artifact: ARTIFACT, prefix: '', first: true };
  const three: Entry[] = ['api', 'web', 'worker-2'].map((name, i) => ({
    name,
    image: `ghcr.io/o/${name}`,
    artifact: `${ARTIFACT}-img-${name}`,
    prefix: `${name}-`,
    first: i === 0,
  }));

  const SINGLE_NAMES = [...SBOMS, 'openvex.json', 'helm-sbom-spdx.json', 'helm-sbom-cyclonedx.json'].sort();

  it('keeps the single image names of every earlier release', () => {
    const result = arrange([single], { vex: true, chart: true });
    expect(result.errors).toEqual([]);
    expect(result.assets).toEqual(SINGLE_NAMES);
    expect(arrange([single], { vex: false, chart: false }).assets).toEqual([...SBOMS].sort());
    // The notes are the verify job's commands as they were written.
    expect(result.outputs.notes).toBe('commands of ghcr.io/o/app\n');
  });

  it('names each of three images its own assets, none clashing with another or with the single names', () => {
    const result = arrange(three, { vex: true, chart: true });
    expect(result.errors).toEqual([]);
    const expected = [
      ...three.flatMap((e) => [...SBOMS, 'openvex.json'].map((file) => `${e.prefix}${file}`)),
      'helm-sbom-spdx.json',
      'helm-sbom-cyclonedx.json',
    ].sort();
    expect(result.assets).toEqual(expected);
    expect(new Set(result.assets).size).toBe(3 * (SBOMS.length + 1) + 2);
    expect(result.assets).toEqual(expect.arrayContaining(['api-sbom-spdx.json', 'web-openvex.json']));
    // Only the chart's names are shared with a single-image release; no image asset is.
    expect(result.assets.filter((name) => SINGLE_NAMES.includes(name))).toEqual([
      'helm-sbom-cyclonedx.json',
      'helm-sbom-spdx.json',
    ]);
    // Every image's notes, in the order of the images.
    expect(result.outputs.notes).toBe(
      'commands of ghcr.io/o/api\n\n\ncommands of ghcr.io/o/web\n\n\ncommands of ghcr.io/o/worker-2\n',
    );
  });

  it("attaches the caller's binaries, their signed checksums and their provenance beside the images' assets", () => {
    const binaries = {
      files: ['app-linux-amd64', 'app-darwin-arm64.tar.gz'],
      provenance: `${ARTIFACT}-binaries.intoto.jsonl`,
    };
    const result = arrange(three, { vex: false, chart: false, binaries });
    expect(result.errors).toEqual([]);
    expect(result.assets.filter((name) => !/^(api|web|worker-2)-/.test(name))).toEqual([
      'app-darwin-arm64.tar.gz',
      'app-linux-amd64',
      'binaries.intoto.jsonl',
      'checksums.txt',
      'checksums.txt.sigstore.json',
    ]);
    const withoutProvenance = arrange([single], { vex: false, chart: false, binaries: { files: ['app'] } });
    expect(withoutProvenance.assets).toEqual(
      [...SBOMS, 'app', 'checksums.txt', 'checksums.txt.sigstore.json'].sort(),
    );
    // A binary under the name of an image's asset stops the release.
    const clash = arrange([single], { vex: false, chart: false, binaries: { files: ['sbom-spdx.json'] } });
    expect([clash.status, clash.errors]).toEqual([
      2,
      ['::error::Two release assets would be named sbom-spdx.json.'],
    ]);
  });

  it('stops the release when two files would take one name, or an image has no SBOM', () => {
    const clash = arrange([three[0]!, { ...three[1]!, prefix: three[0]!.prefix }], {
      vex: false,
      chart: false,
    });
    expect([clash.status, clash.errors]).toEqual([
      2,
      [expect.stringMatching(/^::error::Two release assets would be named api-sbom-[a-z0-9-]+\.json\.$/)],
    ]);
    const workspace = downloads([three[0]!], { vex: false, chart: false });
    const missing = runStep(
      workflow,
      'publish',
      'assets',
      env(three, { vex: false, chart: false }),
      scratch,
      workspace,
    );
    expect([missing.status, missing.errors]).toEqual([
      2,
      ['::error::No sbom-spdx.json of ghcr.io/o/web was found.'],
    ]);
  });
});

describe('the jobs of release.yml over a three-image matrix, as GitHub parses and expands them', () => {
  const MATRIX_JOBS = ['build', 'push', 'sbom', 'scan', 'sign', 'provenance', 'verify', 'tag'];
  let parsed: Map<string, Record<string, unknown>>;
  let planOutputs: Record<string, string>;
  let legs: Entry[];
  const digests: Record<string, string> = {
    'ghcr.io/aotanami/api': `sha256:${'a'.repeat(64)}`,
    'ghcr.io/aotanami/web': `sha256:${'b'.repeat(64)}`,
    'ghcr.io/aotanami/worker': `sha256:${'c'.repeat(64)}`,
  };

  beforeAll(async () => {
    const text = read(RELEASE_WORKFLOW);
    const result = parseWorkflow({ name: RELEASE_WORKFLOW, content: text }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    const template = await convertWorkflowTemplate(result.context, result.value!);
    expect(template.errors ?? []).toEqual([]);
    parsed = new Map(
      template.jobs.map((job) => [
        (job as unknown as { id: { value: string } }).id.value,
        JSON.parse(JSON.stringify(job)) as Record<string, unknown>,
      ]),
    );
    planOutputs = plan({}).outputs;
    legs = (JSON.parse(planOutputs.matrix!) as { include: Entry[] }).include;
  });

  /** The contexts a leg's expressions see. */
  const context = (entry: Entry) => ({
    inputs: { images: base.IMAGES, image: '', 'image-digest': '', 'chart-path': '' },
    matrix: entry,
    needs: {
      plan: { outputs: planOutputs },
      digests: { outputs: { map: JSON.stringify(digests) } },
    },
  });

  /** The serialized strategy of a job: its keys and the matrix expression. */
  function strategy(id: string): Record<string, unknown> {
    const token = parsed.get(id)!.strategy as { map: { Key: string; Value: unknown }[] } | undefined;
    return Object.fromEntries((token?.map ?? []).map(({ Key, Value }) => [Key, Value]));
  }

  it('fans out exactly the per-image jobs, fail-fast off, at most four at a time, over plan’s matrix', () => {
    const withMatrix = [...parsed.keys()].filter((id) => parsed.get(id)!.strategy !== undefined);
    expect(withMatrix.sort()).toEqual([...MATRIX_JOBS].sort());
    for (const id of MATRIX_JOBS) {
      expect([id, strategy(id)]).toEqual([
        id,
        {
          'fail-fast': false,
          'max-parallel': 4,
          matrix: { type: 3, expr: 'fromJSON(needs.plan.outputs.matrix)' },
        },
      ]);
    }
    // The one reusable-workflow job among them is the SLSA generator.
    expect(parsed.get('provenance')!.ref).toEqual(
      expect.stringContaining('generator_container_slsa3.yml@v2.1.0'),
    );
  });

  it('expands into three legs per job, each named after its image', () => {
    const expanded = evaluate('fromJSON(needs.plan.outputs.matrix)', context(legs[0]!)) as {
      include: Entry[];
    };
    expect(expanded.include).toEqual(legs);
    expect(legs.map((e) => e.name)).toEqual(['api', 'web', 'worker-2']);
    for (const id of MATRIX_JOBS) {
      const name = (parsed.get(id)!.name as { expr: string }).expr;
      expect([id, legs.map((e) => evaluate(name, context(e)))]).toEqual([
        id,
        [`${id} (api)`, `${id} (web)`, `${id} (worker-2)`],
      ]);
    }
    // The single image keeps each job's plain name.
    const one = { name: '', image: 'x', artifact: 'a', prefix: '', first: true };
    expect(evaluate((parsed.get('sign')!.name as { expr: string }).expr, context(one))).toBe('sign');
  });

  it("gives every leg its own image's digest: the SLSA generator, sign, attest, verify and tag", () => {
    const generator = parsed.get('provenance')!['input-values'] as {
      map: { Key: string; Value: { expr: string } }[];
    };
    const input = (key: string) => generator.map.find((pair) => pair.Key === key)!.Value.expr;
    const step = (job: string, id: string) => workflow.jobs![job]!.steps!.find((s) => s.id === id)!;
    for (const leg of legs) {
      const at = context(leg);
      const own = `${leg.image}@${digests[leg.image]}`;
      expect([leg.name, evaluate(input('image'), at), evaluate(input('digest'), at)]).toEqual([
        leg.name,
        leg.image,
        digests[leg.image],
      ]);
      expect(interpolate(String(step('sign', 'sign').with!.images), at)).toBe(own);
      expect(interpolate(String(step('sign', 'attest').with!.subject), at)).toBe(own);
      expect(interpolate(String(step('verify', 'verify-image').with!.image), at)).toBe(own);
      expect(interpolate(String(step('tag', 'tag').env!.DIGEST), at)).toBe(digests[leg.image]);
      expect(interpolate(String(step('tag', 'tag').env!.TAG), at)).toBe('v1.2.3');
      expect(interpolate(String(step('sbom', 'digest').env!.DIGEST), at)).toBe(digests[leg.image]);
    }
  });

  it('names the artifacts of each leg apart, and each leg downloads what its own image uploaded', () => {
    const uploads = new Map<string, string>();
    for (const id of MATRIX_JOBS.filter((job) => workflow.jobs![job]!.steps)) {
      for (const leg of legs) {
        for (const step of workflow.jobs![id]!.steps!) {
          if (!step.uses?.startsWith('actions/upload-artifact@')) continue;
          const name = interpolate(String(step.with!.name), context(leg));
          expect([name, uploads.get(name)]).toEqual([name, undefined]);
          uploads.set(name, `${id} (${leg.name})`);
        }
      }
    }
    // build (image), push (digest), sbom (sbom), scan (vex), verify (notes).
    expect(uploads.size).toBe(legs.length * 5);
    for (const id of MATRIX_JOBS.filter((job) => workflow.jobs![job]!.steps)) {
      for (const leg of legs) {
        for (const step of workflow.jobs![id]!.steps!) {
          if (!step.uses?.startsWith('actions/download-artifact@')) continue;
          const name = interpolate(String(step.with!.name), context(leg));
          expect([id, name, uploads.get(name)]).toEqual([id, name, expect.stringContaining(`(${leg.name})`)]);
        }
      }
    }
    // The patterns of the jobs that gather every leg match exactly the legs' uploads of their kind.
    for (const [job, kind] of [
      ['digests', 'digest'],
      ['publish', 'sbom'],
      ['publish', 'vex'],
      ['publish', 'notes'],
    ] as const) {
      const step = workflow.jobs![job]!.steps!.find((s) =>
        String(s.with?.pattern ?? '').endsWith(`-${kind}`),
      )!;
      const pattern = interpolate(String(step.with!.pattern), context(legs[0]!));
      const glob = new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`);
      expect([job, kind, [...uploads.keys()].filter((name) => glob.test(name)).sort()]).toEqual([
        job,
        kind,
        legs.map((leg) => `${leg.artifact}-${kind}`).sort(),
      ]);
    }
  });

  it('never hands a per-image value from one leg to another through the outputs of a matrix job', () => {
    const reads = Object.entries(workflow.jobs!).flatMap(([id, job]) => {
      const { if: _condition, ...rest } = job;
      const text = JSON.stringify(rest);
      return MATRIX_JOBS.flatMap((matrixJob) =>
        [...text.matchAll(new RegExp(`needs\\.${matrixJob}\\.outputs\\.[a-z-]+`, 'g'))].map(
          (m) => `${id}: ${m[0]}`,
        ),
      );
    });
    expect(reads).toEqual([]);
    // buildx's digest goes from each build leg to the push leg of the same image beside the archive.
    const built = workflow.jobs!.build!.steps!;
    const upload = built.find((step) => step.uses?.startsWith('actions/upload-artifact@'))!;
    expect(String(upload.with!.path).trim().split('\n')).toEqual([
      '${{ runner.temp }}/image.tar',
      '${{ runner.temp }}/built-digest',
    ]);
  });
});

describe('the binaries job', () => {
  const jobs = workflow.jobs!;

  /** A workspace holding the caller's artifact as the download step leaves it. */
  function artifact(files: Record<string, string>, dirs: string[] = []): string {
    const workspace = mkdtempSync(path.join(scratch, 'binaries-'));
    const dir = path.join(workspace, 'release-actions-output/binaries');
    mkdirSync(dir, { recursive: true });
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
    for (const name of dirs) mkdirSync(path.join(dir, name));
    return workspace;
  }

  it('signs checksums.txt of the binaries with our sign action, after the gate, and hands on its subjects', () => {
    const steps = jobs.binaries!.steps!;
    const sign = steps.find((step) => step.id === 'sign')!;
    expect(sign.uses).toBe('$/sign');
    expect(sign.with).toEqual({
      files: 'release-actions-output/binaries/*',
      'checksums-file': 'release-actions-output/checksums.txt',
      'require-signature': true,
    });
    expect(steps.findIndex((step) => step.id === 'check')).toBeLessThan(steps.indexOf(sign));
    expect(jobs.binaries!.outputs).toEqual({ subjects: '${{ steps.subjects.outputs.base64 }}' });
    const provenance = jobs['binaries-provenance']!;
    expect(provenance.uses).toBe(
      'slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@v2.1.0',
    );
    expect(provenance.with).toMatchObject({
      'base64-subjects': '${{ needs.binaries.outputs.subjects }}',
      'provenance-name': '${{ needs.plan.outputs.artifact }}-binaries.intoto.jsonl',
      'upload-assets': false,
      'private-repository': '${{ inputs.private-repository }}',
    });
    // Signed binaries are a release like the images: publish waits for them when they are asked for.
    const publish = String(jobs.publish!.if).replace(/\s+/g, ' ');
    expect(publish).toContain(
      "(needs.binaries.result == 'success' || (needs.binaries.result == 'skipped' && inputs.binaries-artifact == ''))",
    );
  });

  it('accepts regular files under asset names, and refuses directories, odd names and the names it writes', () => {
    const ok = runStep(
      workflow,
      'binaries',
      'check',
      {},
      scratch,
      artifact({ 'app-linux-amd64': 'x', 'app_1.0+b.tgz': 'y' }),
    );
    expect([ok.status, ok.errors, ok.stdout.trim()]).toEqual([0, [], '2 binaries to release.']);
    for (const [files, dirs, message] of [
      [{}, [], 'the artifact holds no files'],
      [{ app: 'x' }, ['docs'], 'docs is not a regular file'],
      [{ 'app linux': 'x' }, [], '"app linux" is not accepted as a release asset name'],
      [{ '.hidden': 'x' }, [], '".hidden" is not accepted'],
      [{ 'checksums.txt': 'x' }, [], 'checksums.txt is a name the release gives to its own files'],
      [{ 'app.sigstore.json': 'x' }, [], 'app.sigstore.json is a name the release gives'],
    ] as const) {
      const result = runStep(workflow, 'binaries', 'check', {}, scratch, artifact(files, [...dirs]));
      expect([message, result.status, result.errors]).toEqual([
        message,
        2,
        [expect.stringContaining("::error::Input 'binaries-artifact': ")],
      ]);
      expect(result.errors[0]).toContain(message);
    }
  });

  it("gives the generator sha256sum's lines, base64, and refuses anything else", () => {
    const sums = `${'a'.repeat(64)}  app-darwin-arm64\n${'b'.repeat(64)}  app-linux-amd64\n`;
    const workspace = mkdtempSync(path.join(scratch, 'subjects-'));
    mkdirSync(path.join(workspace, 'release-actions-output'));
    writeFileSync(path.join(workspace, 'release-actions-output/checksums.txt'), sums);
    const result = runStep(workflow, 'binaries', 'subjects', {}, scratch, workspace);
    expect(result.errors).toEqual([]);
    expect(Buffer.from(result.outputs.base64!, 'base64').toString('utf8')).toBe(sums);
    writeFileSync(path.join(workspace, 'release-actions-output/checksums.txt'), `${sums}not a sum\n`);
    const bad = runStep(workflow, 'binaries', 'subjects', {}, scratch, workspace);
    expect([bad.status, bad.outputs]).toEqual([2, {}]);
    writeFileSync(path.join(workspace, 'release-actions-output/checksums.txt'), '');
    expect(runStep(workflow, 'binaries', 'subjects', {}, scratch, workspace).errors).toEqual([
      '::error::release-actions-output/checksums.txt is empty.',
    ]);
  });
});
