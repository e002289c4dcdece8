import type { Node, Pair, Scalar, YAMLMap } from 'yaml';
import {
  asMap,
  asScalar,
  asSeq,
  deref,
  entries,
  entry,
  scalarText,
  text,
  type Entry,
  type SourceFile,
} from './source.js';
import { parseUses, type UsesRef } from './uses.js';

/** Views over the YAML nodes: every field keeps its node, so findings point at the exact source. */
export interface Step {
  node: YAMLMap;
  index: number;
  uses?: { node: Scalar; value: string; ref: UsesRef };
  run?: Scalar;
  with?: YAMLMap;
  env?: YAMLMap;
  shell?: string;
}

export interface Job {
  id: string;
  key: Scalar;
  node: YAMLMap;
  /** A reusable-workflow call (`jobs.<id>.uses`). */
  uses?: { node: Scalar; value: string; ref: UsesRef };
  container?: Entry;
  services?: YAMLMap;
  permissions?: Entry;
  secrets?: Entry;
  runsOn?: string;
  steps: Step[];
  /** Every scalar in the job, for "does it use secrets" questions. */
  scalars: Scalar[];
}

export interface Workflow {
  kind: 'workflow';
  root: YAMLMap;
  on?: Entry;
  permissions?: Entry;
  jobs: Job[];
  jobsEntry: Entry;
}

export interface Action {
  kind: 'action';
  root: YAMLMap;
  runs: YAMLMap;
  using?: string;
  image?: Scalar;
  steps: Step[];
}

export type Model = Workflow | Action | { kind: 'other'; reason: string };

export function buildModel(source: SourceFile): Model {
  const root = asMap(source, source.doc.contents);
  if (!root) return { kind: 'other', reason: 'not a mapping at the top level' };
  const jobsEntry = entry(source, root, 'jobs');
  const jobsMap = asMap(source, jobsEntry?.value);
  if (jobsEntry && jobsMap) {
    return {
      kind: 'workflow',
      root,
      on: entry(source, root, 'on'),
      permissions: entry(source, root, 'permissions'),
      jobs: entries(source, jobsMap).flatMap((e) => {
        const node = asMap(source, e.value);
        return node ? [buildJob(source, e, node)] : [];
      }),
      jobsEntry,
    };
  }
  const runs = asMap(source, entry(source, root, 'runs')?.value);
  if (runs) {
    return {
      kind: 'action',
      root,
      runs,
      using: text(source, runs, 'using'),
      image: asScalar(source, entry(source, runs, 'image')?.value),
      steps: buildSteps(source, runs),
    };
  }
  return { kind: 'other', reason: 'neither a workflow (no jobs:) nor an action (no runs:)' };
}

function usesOf(source: SourceFile, map: YAMLMap): Step['uses'] {
  const node = asScalar(source, entry(source, map, 'uses')?.value);
  const value = scalarText(node);
  if (!node || value === undefined) return undefined;
  return { node, value, ref: parseUses(value) };
}

function buildSteps(source: SourceFile, parent: YAMLMap): Step[] {
  const seq = asSeq(source, entry(source, parent, 'steps')?.value);
  if (!seq) return [];
  const steps: Step[] = [];
  seq.items.forEach((item, index) => {
    const node = asMap(source, item);
    if (!node) return;
    steps.push({
      node,
      index,
      uses: usesOf(source, node),
      run: asScalar(source, entry(source, node, 'run')?.value),
      with: asMap(source, entry(source, node, 'with')?.value),
      env: asMap(source, entry(source, node, 'env')?.value),
      shell: text(source, node, 'shell'),
    });
  });
  return steps;
}

function buildJob(source: SourceFile, e: Entry, node: YAMLMap): Job {
  const runsOnNode = deref(source, entry(source, node, 'runs-on')?.value);
  return {
    id: scalarText(e.key)!,
    key: e.key,
    node,
    uses: usesOf(source, node),
    container: entry(source, node, 'container'),
    services: asMap(source, entry(source, node, 'services')?.value),
    permissions: entry(source, node, 'permissions'),
    secrets: entry(source, node, 'secrets'),
    // Joined scalars rather than toJSON(): an alias bomb must not expand here.
    runsOn: runsOnNode
      ? collectScalars(source, runsOnNode)
          .map((s) => scalarText(s) ?? '')
          .join(' ')
      : undefined,
    steps: buildSteps(source, node),
    scalars: collectScalars(source, node),
  };
}

/** All scalars under a node, following aliases once per anchor (a self-referencing anchor cannot loop). */
export function collectScalars(source: SourceFile, start: Node): Scalar[] {
  const out: Scalar[] = [];
  const seen = new Set<Node>();
  const stack: unknown[] = [start];
  while (stack.length > 0) {
    const current = deref(source, stack.pop());
    if (!current || seen.has(current)) continue;
    seen.add(current);
    if ('items' in current) {
      for (const item of current.items as unknown[]) {
        if (item && typeof item === 'object' && 'key' in item) {
          const pair = item as Pair;
          stack.push(pair.value, pair.key);
        } else stack.push(item);
      }
    } else out.push(current as Scalar);
  }
  return out;
}

/** A step's `with:` value as text. */
export function withText(source: SourceFile, step: Step, name: string): string | undefined {
  return text(source, step.with, name);
}
