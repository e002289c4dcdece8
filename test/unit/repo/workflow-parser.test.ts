import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { convertActionTemplate, parseAction } from '@actions/workflow-parser/actions/index';
import { repoRoot } from '../../harness/run-bundle.js';

/**
 * GitHub's own parser (the one behind the Actions language service) validates every action.yml
 * and every workflow of this repository, so a schema mistake fails here rather than on a runner.
 */

const trace = new NoOperationTraceWriter();

async function workflowErrors(name: string, content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name, content }, trace);
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (errors.length > 0 || parsed.value === undefined) return errors.length > 0 ? errors : [`${name}: empty`];
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  return (template.errors ?? []).map((e) => e.Message);
}

function actionErrors(name: string, content: string): string[] {
  const parsed = parseAction({ name, content }, trace);
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (errors.length > 0 || parsed.value === undefined) return errors.length > 0 ? errors : [`${name}: empty`];
  const template = convertActionTemplate(parsed.context, parsed.value);
  const converted = parsed.context.errors.getErrors().map((e) => e.message);
  if (converted.length > 0) return converted;
  return template.name && template.description && template.runs
    ? []
    : [`${name}: name, description or runs missing`];
}

function relative(file: string): string {
  return path.relative(repoRoot, file);
}

const actionFiles = [
  path.join(repoRoot, 'action.yml'),
  ...readdirSync(repoRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules')
    .map((entry) => path.join(repoRoot, entry.name, 'action.yml'))
    .filter((file) => existsSync(file)),
].map(relative);

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => relative(path.join(entry.parentPath, entry.name)))
    .sort();
}

// Our own workflows, and the example callers we publish for users to copy (examples may hold other
// YAML too, such as an ignore file: a workflow there is a file with `on:` or `jobs:`).
const workflowFiles = [
  ...yamlFiles(path.join(repoRoot, '.github', 'workflows')),
  ...yamlFiles(path.join(repoRoot, 'examples')).filter((file) =>
    /^(on|jobs):/m.test(readFileSync(path.join(repoRoot, file), 'utf8')),
  ),
];

describe('@actions/workflow-parser accepts', () => {
  it('finds the files it checks', () => {
    expect(actionFiles).toContain('action.yml');
    expect(workflowFiles).toContain('.github/workflows/ci.yml');
    // The reusable release workflow and the example callers users copy.
    expect(workflowFiles).toEqual(
      expect.arrayContaining([
        '.github/workflows/release.yml',
        'examples/release-image-and-chart.yml',
        'examples/sign-and-verify.yml',
      ]),
    );
  });

  it.each(actionFiles)('action %s', (file) => {
    expect(actionErrors(file, readFileSync(path.join(repoRoot, file), 'utf8'))).toEqual([]);
  });

  it.each(workflowFiles)('workflow %s', async (file) => {
    expect(await workflowErrors(file, readFileSync(path.join(repoRoot, file), 'utf8'))).toEqual([]);
  });
});

describe('@actions/workflow-parser rejects', () => {
  it('a workflow with an unknown key, a bad permission and a step without run or uses', async () => {
    const errors = await workflowErrors(
      'bad.yml',
      [
        'on: push',
        'permissions: {contents: bogus}',
        'jobs:',
        '  build:',
        '    runs-on: ubuntu-latest',
        '    step:',
        '      - run: echo',
      ].join('\n'),
    );
    expect(errors.join('\n')).toMatch(/Unexpected value 'bogus'/);
    expect(errors.join('\n')).toMatch(/Unexpected value 'step'/);
  });

  it('a broken expression (found while parsing)', async () => {
    const steps = '      - run: echo ${{ github.event. }}';
    const errors = await workflowErrors(
      'expr.yml',
      `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n${steps}\n`,
    );
    expect(errors.join('\n')).toMatch(/Unexpected symbol/);
  });

  it('no job without dependencies and an invalid cron (found while converting)', async () => {
    const errors = await workflowErrors(
      'convert.yml',
      [
        'on:',
        '  schedule:',
        "    - cron: '61 * * * *'",
        'jobs:',
        '  a:',
        '    needs: nope',
        '    runs-on: x',
        '    steps:',
        '      - run: echo',
      ].join('\n'),
    );
    expect(errors.join('\n')).toMatch(/at least one job with no dependencies/);
    expect(errors.join('\n')).toMatch(/cron/i);
  });

  it('an action with an unknown runtime or a composite step without a shell', () => {
    expect(
      actionErrors('a.yml', 'name: a\ndescription: a\nruns:\n  using: node99\n  main: index.js\n').join('\n'),
    ).toMatch(/Unexpected value 'node99'/);
    expect(
      actionErrors(
        'b.yml',
        'name: b\ndescription: b\nruns:\n  using: composite\n  steps:\n    - run: echo\n',
      ),
    ).not.toEqual([]);
  });

  it('an action without a description', () => {
    expect(actionErrors('c.yml', 'name: c\nruns:\n  using: node24\n  main: index.js\n')).not.toEqual([]);
  });
});
