import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../harness/run-bundle.js';

/**
 * The one direction of dependencies (README "Layout"): core ← tools ← oci ← domain packages ←
 * {kit, cli} ← actions. Each workspace's package.json declares exactly the workspaces it imports,
 * nothing imports a layer above its own, domain packages import each other without a cycle, and
 * only kit imports the runner's toolkit (@actions/*), so the CLI bundle carries none of it.
 */

const LAYERS: Record<string, number> = {
  core: 0,
  tools: 1,
  oci: 2,
  sbom: 3,
  vuln: 3,
  cosign: 3,
  helm: 3,
  verify: 3,
  github: 3,
  audit: 3,
  kit: 4,
  cli: 4,
};
const ACTION_LAYER = 5;
const DOMAIN_LAYER = 3;

interface Workspace {
  /** `core`, `kit`, … for packages; `action:scan`, … for actions. */
  id: string;
  dir: string;
  layer: number;
  declared: string[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

/** Static imports, re-exports and dynamic import() of a module by name. */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)'([^']+)'/gm)) {
    found.push(match[1]!);
  }
  return found;
}

function workspaces(): Workspace[] {
  const found: Workspace[] = [];
  for (const parent of ['packages', 'actions']) {
    for (const name of readdirSync(path.join(repoRoot, parent))) {
      const dir = path.join(repoRoot, parent, name);
      if (!existsSync(path.join(dir, 'package.json'))) continue;
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
      };
      const declared = Object.keys(manifest.dependencies ?? {})
        .filter((d) => d.startsWith('@release-actions/'))
        .map((d) => d.slice('@release-actions/'.length))
        .sort();
      const id = parent === 'actions' ? `action:${name}` : name;
      found.push({ id, dir, layer: parent === 'actions' ? ACTION_LAYER : (LAYERS[name] ?? -1), declared });
    }
  }
  return found;
}

function importsOf(workspace: Workspace): { workspaces: string[]; actions: string[]; escapes: string[] } {
  const used = new Set<string>();
  const actions = new Set<string>();
  const escapes: string[] = [];
  for (const file of sourceFiles(path.join(workspace.dir, 'src'))) {
    for (const spec of specifiers(file)) {
      // A subpath (@release-actions/kit/glob) is an entry point of its package.
      if (spec.startsWith('@release-actions/')) used.add(spec.split('/')[1]!);
      // @actions/expressions is GitHub's expression parser (no runner in it): the audit's checks read workflows with it.
      else if (spec.startsWith('@actions/') && !/^@actions\/expressions(\/|$)/.test(spec))
        actions.add(`${path.relative(repoRoot, file)} → ${spec}`);
      else if (spec.startsWith('.')) {
        const target = path.resolve(path.dirname(file), spec);
        if (path.relative(workspace.dir, target).startsWith('..')) {
          escapes.push(`${path.relative(repoRoot, file)} → ${spec}`);
        }
      }
    }
  }
  return { workspaces: [...used].sort(), actions: [...actions].sort(), escapes };
}

const all = workspaces();
const graph = new Map(all.map((w) => [w.id, importsOf(w)]));

describe('the layers of the workspaces', () => {
  it('knows the layer of every package', () => {
    expect(all.filter((w) => w.layer < 0).map((w) => w.id)).toEqual([]);
  });

  it.each(all.map((w) => [w.id, w] as const))('%s declares exactly the workspaces it imports', (_id, w) => {
    expect(w.declared).toEqual(graph.get(w.id)!.workspaces);
  });

  it.each(all.map((w) => [w.id, w] as const))('%s imports only from layers below it', (_id, w) => {
    const upward = graph.get(w.id)!.workspaces.filter((dep) => {
      const layer = LAYERS[dep] ?? Infinity;
      return layer > w.layer || (layer === w.layer && w.layer !== DOMAIN_LAYER);
    });
    expect(upward).toEqual([]);
  });

  it('has no cycle among the domain packages', () => {
    const domain = all.filter((w) => w.layer === DOMAIN_LAYER).map((w) => w.id);
    const visiting = new Set<string>();
    const done = new Set<string>();
    const cycles: string[] = [];
    const visit = (id: string, trail: string[]) => {
      if (done.has(id)) return;
      if (visiting.has(id)) {
        cycles.push([...trail, id].join(' → '));
        return;
      }
      visiting.add(id);
      for (const dep of graph.get(id)!.workspaces) if (domain.includes(dep)) visit(dep, [...trail, id]);
      visiting.delete(id);
      done.add(id);
    };
    for (const id of domain) visit(id, []);
    expect(cycles).toEqual([]);
  });

  it('lets only kit import the runner toolkit (@actions/*)', () => {
    const outside = all.filter((w) => w.id !== 'kit').flatMap((w) => graph.get(w.id)!.actions);
    expect(outside).toEqual([]);
  });

  it('never reaches into another workspace by a relative path', () => {
    expect(all.flatMap((w) => graph.get(w.id)!.escapes)).toEqual([]);
  });

  it('reads every form of import the rules depend on', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'layers-'));
    const file = path.join(dir, 'probe.ts');
    writeFileSync(
      file,
      [
        "import type { A } from '@release-actions/core';",
        "import '@actions/core';",
        "export { b } from '../../kit/src/inputs.js';",
        "const c = await import('@actions/cache');",
        "const d = `from '@release-actions/not-an-import'`;",
      ].join('\n'),
    );
    try {
      expect(specifiers(file)).toEqual([
        '@release-actions/core',
        '@actions/core',
        '../../kit/src/inputs.js',
        '@actions/cache',
        '@release-actions/not-an-import',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
