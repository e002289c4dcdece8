import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  actionFolders,
  madeUpRepository,
  readActionMetadata,
  type ActionInput,
} from '../../harness/action-metadata.js';
import { repoRoot } from '../../harness/run-bundle.js';

/**
 * Where our workflows, composite actions and examples call one of our own actions (`$/<name>`,
 * `./<name>` or `aotanami/release-actions/<name>@…`) or our reusable workflow, the `with:` keys
 * must be inputs it declares, and every required input without a default must be given. The
 * runner only warns about an unknown input; here it fails.
 */

type Inputs = Record<string, ActionInput | null>;

interface Call {
  file: string;
  where: string;
  uses: string;
  with: Record<string, unknown>;
}

const OWN_ACTION = /^(?:\$\/|\.\/|aotanami\/release-actions\/)([a-z][a-z0-9-]*)(?:@.*)?$/;
const OWN_WORKFLOW = /^(?:\$\/|\.\/|aotanami\/release-actions\/)(\.github\/workflows\/[^@]+)(?:@.*)?$/;

function callsIn(file: string, text: string): Call[] {
  const document = (parse(text) ?? {}) as {
    jobs?: Record<string, { uses?: string; with?: Record<string, unknown>; steps?: unknown[] }>;
    runs?: { steps?: unknown[] };
  };
  const calls: Call[] = [];
  const addSteps = (steps: unknown[] | undefined, where: string) => {
    for (const [index, step] of (steps ?? []).entries()) {
      const { uses, with: given } = (step ?? {}) as { uses?: unknown; with?: Record<string, unknown> };
      if (typeof uses === 'string')
        calls.push({ file, where: `${where}[${index}]`, uses, with: given ?? {} });
    }
  };
  for (const [id, job] of Object.entries(document.jobs ?? {})) {
    if (typeof job?.uses === 'string')
      calls.push({ file, where: `jobs.${id}`, uses: job.uses, with: job.with ?? {} });
    addSteps(job?.steps, `jobs.${id}.steps`);
  }
  addSteps(document.runs?.steps, 'runs.steps');
  return calls;
}

function declaredInputs(root: string, uses: string): Inputs | undefined {
  const action = OWN_ACTION.exec(uses);
  if (action) {
    const metadata = readActionMetadata(root, action[1]!);
    return metadata === undefined ? undefined : (metadata.inputs ?? {});
  }
  const workflow = OWN_WORKFLOW.exec(uses);
  if (workflow) {
    const file = path.join(root, workflow[1]!);
    if (!existsSync(file)) return undefined;
    const on = ((parse(readFileSync(file, 'utf8')) ?? {}) as { on?: { workflow_call?: { inputs?: Inputs } } })
      .on;
    return on?.workflow_call?.inputs ?? {};
  }
  return undefined;
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

function checkCalls(root: string): string[] {
  const files = [
    ...yamlFiles(path.join(root, '.github', 'workflows')),
    ...yamlFiles(path.join(root, 'examples')),
    path.join(root, 'action.yml'),
    ...actionFolders(root).map((name) => path.join(root, name, 'action.yml')),
  ].filter((file) => existsSync(file));
  const problems: string[] = [];
  for (const file of files) {
    const relative = path.relative(root, file);
    for (const call of callsIn(relative, readFileSync(file, 'utf8'))) {
      if (!OWN_ACTION.test(call.uses) && !OWN_WORKFLOW.test(call.uses)) continue;
      const at = `${relative} ${call.where} (${call.uses})`;
      const inputs = declaredInputs(root, call.uses);
      if (inputs === undefined) {
        problems.push(`${at}: no such action or workflow in this repository`);
        continue;
      }
      for (const key of Object.keys(call.with)) {
        if (!(key in inputs)) problems.push(`${at}: input '${key}' is not declared`);
      }
      for (const [name, input] of Object.entries(inputs)) {
        if (input?.required === true && input.default === undefined && !(name in call.with)) {
          problems.push(`${at}: required input '${name}' is not given`);
        }
      }
    }
  }
  return problems;
}

describe('calls of our own actions and workflows', () => {
  it('give only declared inputs and every required one', () => {
    expect(checkCalls(repoRoot)).toEqual([]);
  });

  describe('on made-up files', () => {
    const { root, write } = madeUpRepository('uses-inputs-');
    write(
      'sign/action.yml',
      'name: s\ndescription: s\ninputs:\n  image: {description: i, required: true}\n  mode: {description: m, required: true, default: x}\nruns: {using: node24, main: ../dist/sign/index.js}\n',
    );
    write(
      '.github/workflows/release.yml',
      'on:\n  workflow_call:\n    inputs:\n      image: {type: string, required: true}\njobs: {}\n',
    );
    write(
      '.github/workflows/ci.yml',
      [
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: x',
        '    steps:',
        '      - uses: actions/checkout@0000000000000000000000000000000000000000 # v1.0.0',
        '        with: {anything: 1}',
        '      - uses: $/sign',
        '        with: {image: x, imgae: y}',
        '      - uses: ./sign',
        '      - uses: aotanami/release-actions/nope@0000000000000000000000000000000000000000',
        '  b:',
        '    uses: ./.github/workflows/release.yml',
        '    with: {image: x, extra: 1}',
        '  c:',
        '    uses: aotanami/release-actions/.github/workflows/release.yml@v1',
      ].join('\n'),
    );
    write(
      'action.yml',
      'name: r\ndescription: r\nruns:\n  using: composite\n  steps:\n    - uses: $/sign\n      with: {image: x}\n',
    );

    it('reports unknown inputs, missing required ones and unknown actions', () => {
      expect(checkCalls(root).sort()).toEqual(
        [
          ".github/workflows/ci.yml jobs.a.steps[1] ($/sign): input 'imgae' is not declared",
          ".github/workflows/ci.yml jobs.a.steps[2] (./sign): required input 'image' is not given",
          '.github/workflows/ci.yml jobs.a.steps[3] (aotanami/release-actions/nope@0000000000000000000000000000000000000000): no such action or workflow in this repository',
          ".github/workflows/ci.yml jobs.b (./.github/workflows/release.yml): input 'extra' is not declared",
          ".github/workflows/ci.yml jobs.c (aotanami/release-actions/.github/workflows/release.yml@v1): required input 'image' is not given",
        ].sort(),
      );
    });
  });
});
