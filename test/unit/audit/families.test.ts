import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RULE_IDS, type RuleId } from '@release-actions/audit';
import { CheckContext } from '../../../packages/audit/src/checks/context.js';
import { RULE_FAMILIES } from '../../../packages/audit/src/checks/registry.js';
import { buildModel } from '../../../packages/audit/src/model.js';
import { parseSource } from '../../../packages/audit/src/source.js';
import { repoRoot } from '../../harness/run-bundle.js';

/** The rule families of checks/: together they cover every per-file rule, each one exactly once. */
const corpus = path.join(repoRoot, 'test', 'fixtures', 'audit', 'corpus');
const files = readdirSync(corpus).filter((name) => name.endsWith('.yml'));

describe('rule families', () => {
  it('list every rule judged per file exactly once, in the order of the catalogue', () => {
    const listed = RULE_FAMILIES.flatMap((family) => family.rules);
    const acrossFiles: RuleId[] = ['PIN004', 'META001'];
    expect(listed).toEqual(RULE_IDS.filter((id) => !acrossFiles.includes(id)));
  });

  it('report only the rules they list, and each listed rule is found in the corpus', () => {
    const found = new Set<RuleId>();
    for (const name of files) {
      const source = parseSource(name, readFileSync(path.join(corpus, name), 'utf8'))!;
      const model = buildModel(source);
      if (model.kind === 'other') continue;
      for (const family of RULE_FAMILIES) {
        const ctx = new CheckContext(source);
        if (model.kind === 'workflow') family.workflow?.(ctx, model);
        else family.action?.(ctx, model);
        const reported = ctx.findings.map((f) => f.rule);
        expect({ name, rules: reported.filter((rule) => !family.rules.includes(rule)) }).toEqual({
          name,
          rules: [],
        });
        for (const rule of reported) found.add(rule);
      }
    }
    expect([...found].sort()).toEqual(RULE_FAMILIES.flatMap((family) => family.rules).sort());
  });
});
