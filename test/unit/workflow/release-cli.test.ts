import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import {
  checkoutProblems,
  hardenRunnerProblems,
  load,
  needsOf,
  ownAction,
  permissionMap,
  pinProblems,
  read,
  type Job,
  type Step,
  type Workflow,
} from './model.js';

/**
 * The CLI's own release (.github/workflows/release-cli.yml): on a version tag only, our audit
 * first, then one job that checks, packs, signs, attaches and publishes, in that order, with the
 * npm token in the one step that needs it.
 */

const FILE = '.github/workflows/release-cli.yml';
const text = read(FILE);
const workflow = parse(text) as Workflow;
const pins = load<Record<string, { sha: string; tag: string }>>('test/fixtures/workflow/pins.json');

/** What each step of the publish job must be, in order; a step matches the first test it passes. */
const PUBLISH_STEPS: [string, (step: Step) => boolean][] = [
  ['harden-runner', (step) => step.uses?.startsWith('step-security/harden-runner@') === true],
  ['checkout', (step) => step.uses?.startsWith('actions/checkout@') === true],
  ['setup-node', (step) => step.uses?.startsWith('actions/setup-node@') === true],
  ['tag is the version', (step) => /"\$TAG" != "v\$version"/.test(step.run ?? '')],
  ['npm ci', (step) => step.run?.trim() === 'npm ci'],
  ['check-dist', (step) => step.run?.trim() === 'npm run check-dist'],
  ['npm pack', (step) => step.id === 'pack' && /npm pack /.test(step.run ?? '')],
  ['setup cosign', (step) => ownAction(step.uses) === 'setup' && step.with?.tools === 'cosign'],
  [
    'cosign sign-blob',
    (step) => step.run?.trim() === 'cosign sign-blob --yes --bundle "$TARBALL.sigstore.json" "$TARBALL"',
  ],
  ['attach to the release', (step) => ownAction(step.uses) === 'publish'],
  ['npm publish', (step) => step.run?.trim() === 'npm publish "$TARBALL" --provenance --access public'],
];

/** The publish job's steps against PUBLISH_STEPS: one line per step out of place or missing. */
function orderProblems(job: Job | undefined): string[] {
  const names = (job?.steps ?? []).map(
    (step) =>
      PUBLISH_STEPS.find(([, matches]) => matches(step))?.[0] ??
      `unexpected step ${step.name ?? step.uses ?? step.run}`,
  );
  const expected = PUBLISH_STEPS.map(([name]) => name);
  return names.join(' → ') === expected.join(' → ') ? [] : [`steps are ${names.join(' → ')}`];
}

/** Every secret a step reads: `<job>[<step index>] <NAME> in env`, or `in <the step's other keys>`. */
function secretReads(workflow: Workflow): string[] {
  const names = (value: unknown) =>
    [...JSON.stringify(value ?? {}).matchAll(/secrets\.([A-Za-z0-9_-]+)/g)].map((m) => m[1]);
  return Object.entries(workflow.jobs ?? {}).flatMap(([id, job]) =>
    (job.steps ?? []).flatMap((step, index) => {
      const { env, ...rest } = step;
      return [
        ...names(env).map((name) => `${id}[${index}] ${name} in env`),
        ...names(rest).map((name) => `${id}[${index}] ${name} in ${Object.keys(rest).join(', ')}`),
      ];
    }),
  );
}

function mutated(edit: (workflow: Workflow & { jobs: Record<string, Job> }) => void): Workflow {
  const copy = parse(text) as Workflow & { jobs: Record<string, Job> };
  edit(copy);
  return copy;
}

describe('release-cli.yml', () => {
  it('runs on a pushed v* tag and nothing else', () => {
    expect(workflow.on).toEqual({ push: { tags: ['v*'] } });
  });

  it('grants nothing at the top and to each job only what it uses', () => {
    expect(workflow.permissions).toEqual({});
    expect(Object.keys(workflow.jobs ?? {})).toEqual(['audit', 'publish']);
    expect(permissionMap(workflow.jobs!.audit!.permissions)).toEqual({ contents: 'read' });
    expect(permissionMap(workflow.jobs!.publish!.permissions)).toEqual({
      contents: 'write',
      'id-token': 'write',
    });
  });

  it('hardens every job, checks out without credentials and pins every uses: to a SHA with its release', () => {
    expect(hardenRunnerProblems(workflow)).toEqual([]);
    expect(checkoutProblems(workflow)).toEqual([]);
    expect(pinProblems(FILE, text, pins)).toEqual([]);
    for (const job of Object.values(workflow.jobs ?? {})) {
      expect(job.steps?.[0]?.with?.['egress-policy']).toBe('block');
    }
  });

  it('audits with our own action, any finding failing, before anything is published', () => {
    const audit = workflow.jobs!.audit!.steps ?? [];
    expect(audit.filter((step) => ownAction(step.uses) === 'audit')).toEqual([
      expect.objectContaining({ with: { 'fail-on': 'low' } }),
    ]);
    expect(needsOf(workflow.jobs!.publish!)).toEqual(['audit']);
    expect(workflow.jobs!.publish!.if).toBeUndefined();
  });

  it('checks, packs, signs, attaches and publishes in that order, npm publish last', () => {
    expect(orderProblems(workflow.jobs!.publish)).toEqual([]);
    const publish = workflow.jobs!.publish!.steps!.find((step) => ownAction(step.uses) === 'publish')!;
    expect(String(publish.with?.files).trim().split('\n')).toEqual([
      '${{ steps.pack.outputs.tarball }}',
      '${{ steps.pack.outputs.tarball }}.sigstore.json',
    ]);
  });

  it('reads the npm token in the env of the npm publish step only, and puts no expression in a script', () => {
    expect(secretReads(workflow)).toEqual(['publish[10] NPM_TOKEN in env']);
    const last = workflow.jobs!.publish!.steps!.at(-1)!;
    expect(last.env?.NODE_AUTH_TOKEN).toBe('${{ secrets.NPM_TOKEN }}');
    for (const job of Object.values(workflow.jobs ?? {})) {
      for (const step of job.steps ?? [])
        expect([step.name, step.run ?? '']).not.toEqual([step.name, expect.stringContaining('${{')]);
    }
  });

  it('catches a step out of order, a missing one and a token outside env', () => {
    const reordered = mutated((copy) => {
      const steps = copy.jobs.publish!.steps!;
      steps.push(
        ...steps.splice(
          steps.findIndex((step) => /cosign sign-blob/.test(step.run ?? '')),
          1,
        ),
      );
    });
    expect(orderProblems(reordered.jobs!.publish)).toEqual([
      'steps are harden-runner → checkout → setup-node → tag is the version → npm ci → check-dist → npm pack → setup cosign → attach to the release → npm publish → cosign sign-blob',
    ]);
    const unchecked = mutated((copy) => {
      copy.jobs.publish!.steps = copy.jobs.publish!.steps!.filter(
        (step) => step.run !== 'npm run check-dist',
      );
    });
    expect(orderProblems(unchecked.jobs!.publish)[0]).toMatch(/npm ci → npm pack/);
    const leaked = mutated((copy) => {
      copy.jobs.publish!.steps!.at(-1)!.run = 'npm publish --provenance --token ${{ secrets.NPM_TOKEN }}';
    });
    expect(secretReads(leaked)).toEqual([
      'publish[10] NPM_TOKEN in env',
      'publish[10] NPM_TOKEN in name, shell, run',
    ]);
  });
});
