import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { auditSources } from '@release-actions/audit';
import { expressionsIn, parseExpression } from '../../../packages/audit/src/expressions.js';
import { buildModel } from '../../../packages/audit/src/model.js';
import { parseSource } from '../../../packages/audit/src/source.js';
import { taintOf } from '../../../packages/audit/src/taint.js';
import { repoRoot } from '../../harness/run-bundle.js';

/** Real workflows of well-known projects that expand many values in run: and are not injectable (SOURCES.md). */
const corpus = path.join(repoRoot, 'test', 'fixtures', 'audit', 'clean-corpus');
const files = readdirSync(corpus)
  .filter((name) => name.endsWith('.yml'))
  .sort();
const read = (name: string) => ({ file: name, text: readFileSync(path.join(corpus, name), 'utf8') });

describe('the clean corpus', () => {
  it('names the origin of every file, and holds nothing else', () => {
    const sources = readFileSync(path.join(corpus, 'SOURCES.md'), 'utf8');
    const rows = [
      ...sources.matchAll(
        /^\| `([^`]+)` \| \[([\w.-]+\/[\w.-]+)\]\([^)]+\) \| `([^`]+)` \| `([0-9a-f]{40})` \| (\S+) \|$/gm,
      ),
    ];
    expect(rows.map((r) => r[1]).sort()).toEqual(files);
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const row of rows) expect(['MIT', 'Apache-2.0']).toContain(row[5]);
  });

  it('expands inputs, step and job outputs, matrix, env and github values in run: scripts', () => {
    const contexts = new Set<string>();
    for (const name of files) {
      const source = parseSource(name, read(name).text)!;
      const model = buildModel(source);
      if (model.kind !== 'workflow') continue;
      for (const step of model.jobs.flatMap((job) => job.steps)) {
        if (!step.run) continue;
        for (const expression of expressionsIn(source, step.run)) {
          const parsed = parseExpression(expression.body);
          expect([expression.text, parsed.ok]).toEqual([expression.text, true]);
          if (!parsed.ok) continue;
          taintOf(parsed.expr, (p) => {
            const inputs = p.root === 'github' && p.segments[1]?.key === 'inputs';
            contexts.add(inputs ? 'inputs' : p.root);
            return [];
          });
        }
      }
    }
    expect([...contexts].sort()).toEqual(
      expect.arrayContaining(['env', 'github', 'inputs', 'matrix', 'needs', 'runner', 'steps']),
    );
  });

  it('gets no INJ001 finding, and audits without errors', () => {
    const result = auditSources(files.map(read));
    expect(result.errors).toEqual([]);
    expect(result.files).toHaveLength(files.length);
    expect(result.findings.filter((f) => f.rule === 'INJ001')).toEqual([]);
  });
});
