import { describe, expect, it } from '@jest/globals';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { auditSources, RULE_IDS, type Finding, type InputFile } from '@release-actions/audit';
import { repoRoot } from '../../harness/run-bundle.js';

/**
 * The corpus: every <name>.yml (or every file of a <name>.set/ folder, audited together) has a
 * <name>.expected.json beside it listing exactly the findings it must produce; `.ok` files are the
 * near misses and expect none.
 */
const corpus = path.join(repoRoot, 'test', 'fixtures', 'audit', 'corpus');

interface Expected {
  rule: string;
  severity: string;
  file: string;
  line: number;
  column: number;
}

function read(relative: string): InputFile {
  return { file: relative, text: readFileSync(path.join(corpus, relative), 'utf8') };
}

function expected(relative: string): Expected[] {
  return JSON.parse(
    readFileSync(path.join(corpus, relative.replace(/\.yml$/, '.expected.json')), 'utf8'),
  ) as Expected[];
}

function shape(findings: readonly Finding[]): Expected[] {
  return findings.map((f) => ({
    rule: f.rule,
    severity: f.severity,
    file: f.file,
    line: f.line,
    column: f.column,
  }));
}

const groups: string[][] = readdirSync(corpus)
  .sort()
  .flatMap((name) => {
    if (name.endsWith('.yml')) return [[name]];
    if (name.endsWith('.set') && statSync(path.join(corpus, name)).isDirectory()) {
      return [
        readdirSync(path.join(corpus, name))
          .filter((f) => f.endsWith('.yml'))
          .sort()
          .map((f) => `${name}/${f}`),
      ];
    }
    return [];
  });

describe('audit corpus', () => {
  it.each(groups.map((g) => [g.join(' + '), g]))(
    '%s produces exactly the expected findings',
    (_name, files) => {
      const result = auditSources((files as string[]).map(read));
      expect(result.errors).toEqual([]);
      expect(result.skipped).toEqual([]);
      for (const file of files as string[]) {
        expect(shape(result.findings.filter((f) => f.file === file))).toEqual(expected(file));
      }
    },
  );

  it('has, for every rule, a file that must produce it and a near miss that must produce nothing', () => {
    const produced = new Map<string, string[]>();
    for (const group of groups) {
      for (const file of group) {
        for (const e of expected(file)) produced.set(e.rule, [...(produced.get(e.rule) ?? []), file]);
      }
    }
    for (const id of RULE_IDS) {
      expect([id, produced.has(id)]).toEqual([id, true]);
      const stem = id.toLowerCase();
      const nearMiss = groups.flat().filter((f) => f.startsWith(`${stem}.ok`));
      expect([id, nearMiss.length > 0]).toEqual([id, true]);
      for (const file of nearMiss) expect(expected(file)).toEqual([]);
    }
  });

  it("is valid for GitHub's workflow parser, but for PERM004's file, whose errors sit where our findings do", async () => {
    for (const file of groups
      .flat()
      .filter((f) => !f.startsWith('composite-action') && !f.startsWith('docker-action'))) {
      const parsed = parseWorkflow({ name: file, content: read(file).text }, new NoOperationTraceWriter());
      const errors = parsed.context.errors.getErrors().map((e) => e.message);
      if (parsed.value) {
        const template = await convertWorkflowTemplate(parsed.context, parsed.value);
        errors.push(...(template.errors ?? []).map((e) => e.Message));
      }
      const positions = [
        ...new Set(errors.map((e) => /\(Line: (\d+), Col: (\d+)\)/.exec(e)!.slice(1, 3).join(':'))),
      ];
      const ours = expected(file)
        .filter((e) => e.rule === 'PERM004')
        .map((e) => `${e.line}:${e.column}`);
      expect([file, positions]).toEqual([file, ours]);
    }
    expect(expected('perm004.yml')).toHaveLength(4);
  });

  it('gives every finding a message, a fix and a position inside the file', () => {
    const result = auditSources(groups.flat().map(read));
    expect(result.findings.length).toBeGreaterThan(40);
    for (const finding of result.findings) {
      const lines = read(finding.file).text.split('\n');
      expect(finding.line).toBeLessThanOrEqual(lines.length);
      expect(finding.column).toBeLessThanOrEqual((lines[finding.line - 1] ?? '').length + 1);
      expect(finding.message).not.toBe('');
      expect(finding.fix).not.toBe('');
    }
  });
});
