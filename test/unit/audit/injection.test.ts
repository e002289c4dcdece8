import { describe, expect, it } from '@jest/globals';
import { CheckContext } from '../../../packages/audit/src/checks/context.js';
import { injection } from '../../../packages/audit/src/checks/injection.js';
import { untrustedContext } from '../../../packages/audit/src/expressions.js';
import { buildModel } from '../../../packages/audit/src/model.js';
import { parseSource } from '../../../packages/audit/src/source.js';

interface Reported {
  line: number;
  column: number;
  severity: string;
  message: string;
}

/** INJ001's findings on one file, with the severity each would be reported at. */
function inj001(text: string): Reported[] {
  const source = parseSource('workflow.yml', text)!;
  const model = buildModel(source);
  const ctx = new CheckContext(source);
  if (model.kind === 'workflow') injection.workflow!(ctx, model);
  else if (model.kind === 'action') injection.action!(ctx, model);
  else throw new Error(model.reason);
  return ctx.findings.map((f) => ({
    line: f.line,
    column: f.column,
    severity: f.severity ?? 'high',
    message: f.message,
  }));
}

/** A workflow with one job whose last step runs `script`; `steps` come before it. */
function job(script: string, options: { on?: string; env?: string; jobEnv?: string; steps?: string } = {}) {
  return [
    `on:${options.on ?? ' [issues, pull_request_target]'}`,
    ...(options.env ? ['env:', options.env] : []),
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    ...(options.jobEnv ? ['    env:', options.jobEnv] : []),
    '    steps:',
    ...(options.steps ? [options.steps] : []),
    `      - run: ${script}`,
    '',
  ].join('\n');
}

/** The severities of the findings of a one-line run: script. */
function severities(script: string, options?: Parameters<typeof job>[1]): string[] {
  return inj001(job(script, options)).map((f) => f.severity);
}

describe('INJ001 reads expressions with GitHub’s parser', () => {
  it.each([
    'github.event.issue.title',
    "github['head_ref']",
    "github.event['pull_request'].title",
    "github.event.pull_request['body']",
    'github.event.commits[0].message',
    'github.event.commits.*.author.email',
    'GitHub.Event.Issue.Title',
    'GITHUB.HEAD_REF',
    "github['event']['comment']['body']",
    'github.event.workflow_run.pull_requests[0].head.ref',
  ])('finds %s, the same untrusted path however it is written', (body) => {
    expect(severities(`echo "\${{ ${body} }}"`)).toEqual(['high']);
  });

  it.each([
    "'github.head_ref'",
    "'github.event.issue.title'",
    'github.event.issue.number',
    'github.event.pull_request.head.sha',
    'github.event.issue.title_length',
    'github.sha',
    'github.ref',
    "steps.x.outputs['github.head_ref']",
    "github.event.issue.title == 'bug'",
    "contains(github.event.issue.title, 'bug')",
    "startsWith(github.head_ref, 'release/')",
    "endsWith(github.event.pull_request.title, '!')",
    '!github.event.issue.body',
    "hashFiles('**/package-lock.json')",
    'github.event.pull_request.head.repo.fork',
  ])('does not report %s, which carries no untrusted text', (body) => {
    expect(severities(`echo "\${{ ${body} }}"`)).toEqual([]);
  });

  it.each([
    'toJSON(github.event)',
    'toJSON(github.event.pull_request)',
    'toJSON(github)',
    "format('{0}', github.event.issue.title)",
    "join(github.event.commits.*.message, ', ')",
    'fromJSON(toJSON(github.event.issue)).title',
    "github.event.issue.title || 'none'",
    "github.event.issue.title && 'x'",
    "github.event_name == 'issues' && github.event.issue.title || github.event.pull_request.title",
    '(github.head_ref)',
    "case(github.event_name == 'issues', github.event.issue.title, 'none')",
    'github.event[github.event_name].title',
  ])('carries the taint through %s', (body) => {
    expect(severities(`echo "\${{ ${body} }}"`)).toEqual(['high']);
  });

  it('does not take the conditions of case() for its values', () => {
    expect(severities("echo \"${{ case(github.event.issue.title == 'x', 'a', 'b') }}\"")).toEqual([]);
  });

  it('names the path as read, where it is expanded, and how to pass it through env:', () => {
    const [finding] = inj001(job('echo "${{ github.event[\'issue\'].title }}"'));
    expect(finding!.message).toBe(
      'github.event.issue.title is set by whoever opens the event, and is expanded into the run: script. ' +
        'Pass it through env: (`env: TITLE: ${{ github.event[\'issue\'].title }}`) and use "$TITLE".',
    );
    expect([finding!.line, finding!.column]).toEqual([6, 20]);
  });

  it('says an object holding untrusted text is such an object', () => {
    const [finding] = inj001(job("echo '${{ toJSON(github.event.pull_request) }}'"));
    expect(finding!.message).toMatch(
      /^github\.event\.pull_request is an object holding text set by whoever opens the event \(github\.event\.pull_request\.title\)/,
    );
  });

  it('finds an expression whose }} sits inside a string literal, as GitHub reads it', () => {
    const findings = inj001(job('echo "${{ format(\'}}{0}\', github.event.issue.title) }}"'));
    expect(findings.map((f) => f.severity)).toEqual(['high']);
  });

  it('reports an expression GitHub’s parser rejects, and keeps going', () => {
    const findings = inj001(
      job('|\n          echo "${{ github.event.issue.title ) }}"\n          echo "${{ github.head_ref }}"'),
    );
    expect(findings).toHaveLength(2);
    expect(findings[0]!.message).toMatch(/does not parse as a GitHub expression \(Unexpected symbol: '\)'\)/);
    expect(findings[1]!.message).toMatch(/^github\.head_ref is set by whoever opens the event/);
  });

  it.each([
    ['an unknown context', 'event.issue.title', /Unrecognized named-value: 'event'/],
    ['an unknown function', 'toYAML(github.event)', /Unrecognized function: 'toYAML'/],
    ['an unclosed expression', 'github.sha', /no \}\} closes it/],
  ])('reports %s as not parsing', (_what, body, error) => {
    const script = body === 'github.sha' ? `echo "\${{ ${body}"` : `echo "\${{ ${body} }}"`;
    const [finding] = inj001(job(script));
    expect(finding!.severity).toBe('high');
    expect(finding!.message).toMatch(error);
  });

  it('reads actions/github-script’s script: and says how to read the variable there', () => {
    const text = job('echo ok', {
      steps: [
        '      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1',
        '        with:',
        "          script: console.log('${{ github.event.comment.body }}')",
      ].join('\n'),
    });
    const [finding] = inj001(text);
    expect(finding!.message).toMatch(/expanded into actions\/github-script's script\. .*process\.env\.BODY/);
  });

  it('says how a PowerShell script reads the variable', () => {
    const text = job('echo ok', {
      steps: ['      - shell: pwsh', '        run: Write-Output "${{ github.head_ref }}"'].join('\n'),
    });
    expect(inj001(text)[0]!.message).toMatch(/use \$env:HEAD_REF\.$/);
  });
});

describe('INJ001 reads every form of scalar', () => {
  it('positions expressions in quoted scalars and follows YAML anchors', () => {
    const text = [
      'on: issues',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: "echo \\"${{ github.event.issue.title }}\\""',
      "      - run: 'echo ''${{ github.event.issue.body }}'''",
      '      - run: &script echo "${{ github.head_ref }}"',
      '      - run: *script',
      '',
    ].join('\n');
    // The alias expands the anchored script again, at the anchor; the audit reports it once.
    expect(inj001(text).map((f) => [f.line, f.column])).toEqual([
      [6, 22],
      [7, 22],
      [8, 28],
      [8, 28],
    ]);
  });
});

describe('INJ001 follows inputs', () => {
  const dispatch = (type: string) =>
    `\n  workflow_dispatch:\n    inputs:\n      target:\n        type: ${type}\n        required: true`;
  const call = (type: string) => `\n  workflow_call:\n    inputs:\n      target:\n        type: ${type}`;

  it.each([
    ['workflow_dispatch', 'string', dispatch('string'), ['medium']],
    ['workflow_dispatch', 'boolean', dispatch('boolean'), []],
    ['workflow_dispatch', 'number', dispatch('number'), []],
    ['workflow_dispatch', 'choice', dispatch('choice\n        options: [a, b]'), []],
    ['workflow_dispatch', 'environment', dispatch('environment'), []],
    ['workflow_call', 'string', call('string'), ['medium']],
    ['workflow_call', 'boolean', call('boolean'), []],
    ['workflow_call', 'number', call('number'), []],
  ])('reports a %s input of type %s by what it may hold', (_trigger, _type, on, expected) => {
    expect(severities('make "${{ inputs.target }}"', { on })).toEqual(expected);
    expect(severities('make "${{ github.event.inputs.target }}"', { on })).toEqual(expected);
  });

  it('takes an input without a type for text, and an input both triggers declare for text if either does', () => {
    expect(
      severities('make "${{ inputs.target }}"', {
        on: '\n  workflow_dispatch:\n    inputs:\n      target: {}',
      }),
    ).toEqual(['medium']);
    expect(
      severities('make "${{ inputs.target }}"', { on: `${dispatch('choice')}${call('string')}` }),
    ).toEqual(['medium']);
  });

  it('takes an undeclared input for text, since nothing says what it holds', () => {
    expect(severities('make "${{ inputs.other }}"', { on: dispatch('boolean') })).toEqual(['medium']);
  });

  it('reports toJSON(inputs) only when some input holds text', () => {
    expect(severities("echo '${{ toJSON(inputs) }}'", { on: dispatch('boolean') })).toEqual([]);
    expect(severities("echo '${{ toJSON(inputs) }}'", { on: dispatch('string') })).toEqual(['medium']);
  });

  it('reports a composite action’s inputs at medium', () => {
    const action = [
      'name: a',
      'description: b',
      'inputs:',
      '  version:',
      '    description: which',
      'runs:',
      '  using: composite',
      '  steps:',
      '    - shell: bash',
      '      run: echo "${{ inputs.version }}"',
      '',
    ].join('\n');
    const [finding] = inj001(action);
    expect(finding!.severity).toBe('medium');
    expect(finding!.message).toMatch(
      /^inputs\.version is an input of this action, set by the workflow that uses it/,
    );
  });
});

describe('INJ001 follows step and job outputs', () => {
  it('reports the output of a run: step that writes untrusted text, at the severity of that text', () => {
    const steps = [
      '      - id: meta',
      '        env:',
      '          TITLE: ${{ github.event.issue.title }}',
      '        run: echo "title=$TITLE" >> "$GITHUB_OUTPUT"',
    ].join('\n');
    const [finding] = inj001(job('echo "${{ steps.meta.outputs.title }}"', { steps }));
    expect(finding!.severity).toBe('high');
    expect(finding!.message).toMatch(
      /^steps\.meta\.outputs\.title is written by step "meta" from github\.event\.issue\.title, which is set by whoever opens the event, and is expanded into the run: script. /,
    );
  });

  it('does not report the output of a run: step fed only trusted values', () => {
    const steps = [
      '      - id: version',
      '        env:',
      '          REF: ${{ github.ref_name }}',
      '        run: echo "tag=${REF#v}-${{ github.sha }}" >> "$GITHUB_OUTPUT"',
    ].join('\n');
    expect(severities('echo "${{ steps.version.outputs.tag }}"', { steps })).toEqual([]);
  });

  it('does not report outcome or conclusion, nor a step that comes later', () => {
    const steps = ['      - id: t', '        run: echo "${{ github.event.issue.title }}" > t'].join('\n');
    expect(
      inj001(
        job('echo "${{ steps.t.outcome }} ${{ steps.t.conclusion }} ${{ steps.later.outputs.x }}"', {
          steps,
        }),
      ).length,
    ).toBe(1); // the step t itself, not the reads of it
  });

  it('counts a job env variable only where the script names it', () => {
    const jobEnv = '      TITLE: ${{ github.event.issue.title }}';
    const named = ['      - id: a', '        run: echo "t=$TITLE" >> "$GITHUB_OUTPUT"'].join('\n');
    const unnamed = ['      - id: a', '        run: echo "v=1" >> "$GITHUB_OUTPUT"'].join('\n');
    expect(severities('echo "${{ steps.a.outputs.t }}"', { jobEnv, steps: named })).toEqual(['high']);
    expect(severities('echo "${{ steps.a.outputs.v }}"', { jobEnv, steps: unnamed })).toEqual([]);
  });

  it('reports an action’s outputs at medium only when the action is given untrusted text', () => {
    const given = [
      '      - id: slug',
      '        uses: some/slugify@0000000000000000000000000000000000000000 # v1.0.0',
      '        with:',
      '          text: ${{ github.event.pull_request.title }}',
    ].join('\n');
    const notGiven = [
      '      - id: slug',
      '        uses: some/slugify@0000000000000000000000000000000000000000 # v1.0.0',
      '        with:',
      '          text: ${{ github.sha }}',
    ].join('\n');
    const [finding] = inj001(job('echo "${{ steps.slug.outputs.slug }}"', { steps: given }));
    expect(finding!.severity).toBe('medium');
    expect(finding!.message).toMatch(
      /an output of step "slug", an action given github\.event\.pull_request\.title/,
    );
    expect(severities('echo "${{ steps.slug.outputs.slug }}"', { steps: notGiven })).toEqual([]);
  });

  it('does not take an action handed only a writer’s input, or another action’s output, to hand back text', () => {
    const on = '\n  workflow_dispatch:\n    inputs:\n      image:\n        type: string';
    const steps = [
      '      - id: buildx',
      '        uses: docker/setup-buildx-action@0000000000000000000000000000000000000000 # v3.0.0',
      '        with:',
      '          driver-opts: image=${{ inputs.image }}',
      '      - id: build',
      '        uses: docker/build-push-action@0000000000000000000000000000000000000000 # v6.0.0',
      '        with:',
      '          builder: ${{ steps.buildx.outputs.name }}',
    ].join('\n');
    expect(
      severities('echo "${{ steps.build.outputs.digest }} ${{ steps.buildx.outputs.name }}"', { on, steps }),
    ).toEqual([]);
  });

  it('reports the result of a github-script step whose script reads untrusted text', () => {
    const steps = [
      '      - id: gs',
      '        uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1',
      '        env:',
      '          BODY: ${{ github.event.comment.body }}',
      '        with:',
      '          result-encoding: string',
      '          script: return process.env.BODY',
    ].join('\n');
    expect(severities('echo "${{ steps.gs.outputs.result }}"', { steps })).toEqual(['high']);
  });

  const twoJobs = (output: string, consumer: string) =>
    [
      'on: pull_request_target',
      'jobs:',
      '  meta:',
      '    runs-on: ubuntu-latest',
      '    outputs:',
      `      value: ${output}`,
      '    steps:',
      '      - id: read',
      '        env:',
      '          HEAD: ${{ github.head_ref }}',
      '        run: echo "ref=$HEAD" >> "$GITHUB_OUTPUT"',
      '  use:',
      '    needs: meta',
      '    runs-on: ubuntu-latest',
      '    steps:',
      `      - run: ${consumer}`,
      '',
    ].join('\n');

  it('reports a job output set from a tainted step output, read through needs', () => {
    const [finding] = inj001(
      twoJobs('${{ steps.read.outputs.ref }}', 'git switch "${{ needs.meta.outputs.value }}"'),
    );
    expect(finding!.severity).toBe('high');
    expect(finding!.message).toMatch(
      /^needs\.meta\.outputs\.value is an output of job "meta", set from steps\.read\.outputs\.ref/,
    );
  });

  it('does not report a job output set from trusted values, nor needs.<job>.result', () => {
    expect(
      inj001(twoJobs('${{ github.sha }}', 'echo "${{ needs.meta.outputs.value }} ${{ needs.meta.result }}"')),
    ).toEqual([]);
  });

  it('reports a matrix built from a tainted job output', () => {
    const text = [
      'on: pull_request_target',
      'jobs:',
      '  list:',
      '    runs-on: ubuntu-latest',
      '    outputs:',
      '      names: ${{ toJSON(github.event.pull_request.labels.*.name) }}',
      '      titles: ${{ toJSON(github.event.commits.*.message) }}',
      '    steps:',
      '      - run: "true"',
      '  each:',
      '    needs: list',
      '    runs-on: ubuntu-latest',
      '    strategy:',
      '      matrix:',
      '        message: ${{ fromJSON(needs.list.outputs.titles) }}',
      '    steps:',
      '      - run: echo "${{ matrix.message }}"',
      '',
    ].join('\n');
    expect(inj001(text).map((f) => f.severity)).toEqual(['high']);
  });
});

describe('INJ001 follows env', () => {
  it('reports env.T set from untrusted text in the step, and says the variable is there already', () => {
    const steps =
      '      - env:\n          T: ${{ github.event.issue.title }}\n        run: echo "${{ env.T }}"';
    const findings = inj001(job('echo done', { steps }));
    expect(findings.map((f) => f.severity)).toEqual(['high']);
    expect(findings[0]!.message).toMatch(
      /^env\.T is set in the step's env: from github\.event\.issue\.title, .*Use "\$T" instead: the value is in the environment already\.$/,
    );
  });

  it('reports env set in the job and in the workflow', () => {
    expect(severities('echo "${{ env.T }}"', { jobEnv: '      T: ${{ github.event.issue.title }}' })).toEqual(
      ['high'],
    );
    expect(severities('echo "${{ env.T }}"', { env: '  T: ${{ github.event.issue.title }}' })).toEqual([
      'high',
    ]);
    expect(severities('echo "${{ env.t }}"', { env: '  T: ${{ github.event.issue.title }}' })).toEqual([
      'high',
    ]);
  });

  it('lets the nearest definition win', () => {
    const steps = '      - env:\n          T: fixed\n        run: echo "${{ env.T }}"';
    expect(severities('echo "${{ env.T }}"', { env: '  T: ${{ github.event.issue.title }}', steps })).toEqual(
      ['high'],
    ); // the last step sees the workflow's T; the first its own
    expect(
      severities('echo "${{ env.T }}"', {
        env: '  T: ${{ github.event.issue.title }}',
        jobEnv: '      T: ${{ github.sha }}',
      }),
    ).toEqual([]);
    expect(
      severities('echo "${{ env.T }}"', {
        env: '  T: ${{ github.sha }}',
        jobEnv: '      T: ${{ github.event.issue.body }}',
      }),
    ).toEqual(['high']);
  });

  it('follows env set from inputs at their severity', () => {
    const on = '\n  workflow_call:\n    inputs:\n      name:\n        type: string';
    expect(severities('echo "${{ env.N }}"', { on, jobEnv: '      N: ${{ inputs.name }}' })).toEqual([
      'medium',
    ]);
  });

  it('follows variables an earlier step writes to $GITHUB_ENV from untrusted text', () => {
    const writer = (value: string) =>
      ['      - env:', `          T: ${value}`, '        run: echo "TITLE=$T" >> "$GITHUB_ENV"'].join('\n');
    const [finding] = inj001(
      job('echo "${{ env.TITLE }}"', { steps: writer('${{ github.event.issue.title }}') }),
    );
    expect(finding!.severity).toBe('high');
    expect(finding!.message).toMatch(
      /^env\.TITLE is written to \$GITHUB_ENV by step "1" from github\.event\.issue\.title/,
    );
    expect(severities('echo "${{ env.TITLE }}"', { steps: writer('${{ github.sha }}') })).toEqual([]);
    expect(
      severities('echo "${{ env.OTHER }}"', { steps: writer('${{ github.event.issue.title }}') }),
    ).toEqual([]);
  });

  it('does not report an env value that is trusted', () => {
    expect(severities('echo "${{ env.T }}"', { env: '  T: release-${{ github.run_id }}' })).toEqual([]);
  });
});

describe('untrustedContext', () => {
  it('names the path in dotted form, and nothing for text that is not an expression', () => {
    expect(untrustedContext("github.event['pull_request']['body']")).toBe('github.event.pull_request.body');
    expect(untrustedContext('github.event.issue.title )')).toBeUndefined();
  });
});

describe('INJ001 on long chains', () => {
  it('judges a job whose every step reads every earlier output, without the taints multiplying', () => {
    const steps = Array.from({ length: 200 }, (_, i) =>
      [
        `      - id: s${i}`,
        i === 0
          ? '        run: echo "t=${{ github.event.issue.title }}" >> "$GITHUB_OUTPUT"'
          : `        run: echo '\${{ toJSON(steps) }}' > out-${i}.json`,
      ].join('\n'),
    ).join('\n');
    const findings = inj001(job('echo "${{ steps.s199.outputs.t }}"', { steps }));
    // Step s0 expands the title itself; each later step expands toJSON(steps), which holds it.
    expect(findings).toHaveLength(201);
    expect(findings.every((f) => f.severity === 'high')).toBe(true);
    expect(Math.max(...findings.map((f) => f.message.length))).toBeLessThan(2000);
  }, 20_000);
});
