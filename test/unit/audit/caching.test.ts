import { describe, expect, it } from '@jest/globals';
import { auditSources, type Finding } from '@release-actions/audit';
import { oneJobWorkflow, PINNED_SHA, type OneJobWorkflow } from '../../harness/one-job-workflow.js';

const SHA = PINNED_SHA;

/** A workflow with one job `release` whose steps follow a harden-runner step. */
const workflow = (options: Omit<OneJobWorkflow, 'id'>): string =>
  oneJobWorkflow({ id: 'release', ...options });

function cacheFindings(text: string, file = 'w.yml'): Finding[] {
  return auditSources([{ file, text }]).findings.filter((f) => f.rule === 'CACHE001');
}

const setupNode = [`- uses: actions/setup-node@${SHA} # v4.4.0`, '  with:', '    cache: npm'];

describe('CACHE001: caches in release jobs', () => {
  it('reports a cache in a job whose token can publish, saying which grant makes it a release job', () => {
    const findings = cacheFindings(
      workflow({ job: '{ contents: read, id-token: write }', steps: setupNode }),
    );
    expect(findings.map((f) => [f.line, f.column, f.severity])).toEqual([[12, 15, 'high']]);
    expect(findings[0]!.message).toBe(
      'Job "release" restores a cache (actions/setup-node with cache: npm) and is a release job: its token is granted id-token: write.',
    );
  });

  it('reads the workflow permissions for a job without its own, and the job block over them', () => {
    const inherited = cacheFindings(workflow({ top: '{ contents: write }', steps: setupNode }));
    expect(inherited.map((f) => f.message)).toEqual([
      expect.stringContaining('its token is granted contents: write.'),
    ]);
    const own = cacheFindings(
      workflow({ top: '{ contents: write }', job: '{ contents: read }', steps: setupNode }),
    );
    expect(own).toEqual([]);
    const all = cacheFindings(workflow({ job: 'write-all', steps: setupNode }));
    expect(all[0]!.message).toContain('its token is granted write-all.');
  });

  it('counts a workflow run on tag pushes or release events', () => {
    const tags = cacheFindings(
      workflow({ on: "{ push: { tags: ['v*'] } }", job: '{ contents: read }', steps: setupNode }),
    );
    expect(tags[0]!.message).toContain('is a release job: the workflow runs on tag pushes.');
    const release = cacheFindings(
      workflow({ on: '[push, release]', job: '{ contents: read }', steps: setupNode }),
    );
    expect(release[0]!.message).toContain('the workflow runs on release events.');
    const both = cacheFindings(
      workflow({
        on: "{ push: { tags: ['v*'] }, release: { types: [published] } }",
        job: '{ contents: read }',
        steps: setupNode,
      }),
    );
    expect(both[0]!.message).toContain('the workflow runs on tag pushes and release events.');
  });

  it('leaves caches alone in jobs that only read, run on branch pushes and release nothing', () => {
    for (const on of ['push', '{ push: { branches: [main] } }', 'pull_request']) {
      expect(cacheFindings(workflow({ on, job: '{ contents: read }', steps: setupNode }))).toEqual([]);
    }
  });

  it('gives every reason a job has', () => {
    const [finding] = cacheFindings(
      workflow({
        on: 'release',
        job: '{ id-token: write, packages: write }',
        steps: [...setupNode, '- run: cosign sign --yes "$IMAGE"'],
      }),
    );
    expect(finding!.message).toBe(
      'Job "release" restores a cache (actions/setup-node with cache: npm) and is a release job: it signs, attests or publishes (the run: of step 3); its token is granted id-token: write, packages: write; the workflow runs on release events.',
    );
  });

  it('sees setup-go cache on unless cache: false, and an expression as possibly on', () => {
    const job = '{ id-token: write }';
    const bare = cacheFindings(workflow({ job, steps: [`- uses: actions/setup-go@${SHA} # v5.5.0`] }));
    expect(bare.map((f) => f.message)).toEqual([
      'Job "release" restores a cache (actions/setup-go, which caches unless cache: false) and is a release job: its token is granted id-token: write.',
    ]);
    const off = [`- uses: actions/setup-go@${SHA} # v5.5.0`, '  with:', '    cache: false'];
    expect(cacheFindings(workflow({ job, steps: off }))).toEqual([]);
    const dynamic = [`- uses: actions/setup-go@${SHA} # v5.5.0`, '  with:', '    cache: ${{ inputs.cache }}'];
    expect(cacheFindings(workflow({ job, steps: dynamic }))).toHaveLength(1);
  });

  it('sees setup-python and setup-java only with cache:', () => {
    const job = '{ packages: write }';
    const python = [`- uses: actions/setup-python@${SHA} # v5.6.0`, '  with:', '    cache: pip'];
    const java = [`- uses: actions/setup-java@${SHA} # v4.7.1`, '  with:', '    cache: gradle'];
    const bare = [
      `- uses: actions/setup-python@${SHA} # v5.6.0`,
      `- uses: actions/setup-java@${SHA} # v4.7.1`,
    ];
    expect(cacheFindings(workflow({ job, steps: [...python, ...java] })).map((f) => f.line)).toEqual([
      12, 15,
    ]);
    expect(cacheFindings(workflow({ job, steps: bare }))).toEqual([]);
  });

  it("sees our scan's cache-db when on (it is off by default), by any of its references", () => {
    const job = '{ contents: read, packages: write }';
    for (const uses of [`aotanami/release-actions/scan@${SHA} # v1.0.0`, './scan', '$/scan']) {
      const on = cacheFindings(
        workflow({ job, steps: [`- uses: ${uses}`, '  with:', '    cache-db: true'] }),
      );
      expect(on.map((f) => f.message)).toEqual([
        expect.stringContaining(`(${uses.split('@')[0]} with cache-db: true)`),
      ]);
      expect(cacheFindings(workflow({ job, steps: [`- uses: ${uses}`] }))).toEqual([]);
      const off = [`- uses: ${uses}`, '  with:', "    cache-db: 'false'"];
      expect(cacheFindings(workflow({ job, steps: off }))).toEqual([]);
    }
  });

  it('sees the caches of docker/setup-qemu-action and setup-buildx-action unless turned off', () => {
    const job = '{ packages: write }';
    const on = [
      `- uses: docker/setup-qemu-action@${SHA} # v3.6.0`,
      `- uses: docker/setup-buildx-action@${SHA} # v3.11.1`,
    ];
    expect(cacheFindings(workflow({ job, steps: on })).map((f) => f.message)).toEqual([
      expect.stringContaining('(docker/setup-qemu-action, which caches unless cache-image: false)'),
      expect.stringContaining('(docker/setup-buildx-action, which caches unless cache-binary: false)'),
    ]);
    const off = [
      `- uses: docker/setup-qemu-action@${SHA} # v3.6.0`,
      '  with:',
      '    cache-image: false',
      `- uses: docker/setup-buildx-action@${SHA} # v3.11.1`,
      '  with:',
      '    cache-binary: false',
    ];
    expect(cacheFindings(workflow({ job, steps: off }))).toEqual([]);
  });

  it('reports a cache in a composite action that signs', () => {
    const action = [
      'name: a',
      'runs:',
      '  using: composite',
      '  steps:',
      `    - uses: actions/setup-node@${SHA} # v4.4.0`,
      '      with:',
      '        cache: npm',
      '    - uses: $/sign',
      '',
    ].join('\n');
    expect(cacheFindings(action, 'action.yml').map((f) => f.message)).toEqual([
      'This action restores a cache (actions/setup-node with cache: npm) and is a release job: it signs, attests or publishes ($/sign).',
    ]);
    expect(cacheFindings(action.replace('    - uses: $/sign\n', ''), 'action.yml')).toEqual([]);
  });
});
