import { describe, expect, it } from '@jest/globals';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { auditSources, fixSources, unifiedDiff, type InputFile } from '@release-actions/audit';
import { repoRoot } from '../../harness/run-bundle.js';

const dir = path.join(repoRoot, 'test', 'fixtures', 'audit', 'fix');
const read = (name: string): InputFile => ({ file: name, text: readFileSync(path.join(dir, name), 'utf8') });
const FIXED_RULES = ['CRED001', 'CRED003', 'PERM001'];

/** GitHub's own parser: schema errors, then conversion errors (jobs, steps, expressions). */
async function workflowErrors(name: string, content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (parsed.value) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    errors.push(...(template.errors ?? []).map((e) => e.Message));
  }
  return errors;
}

describe('audit --fix', () => {
  it('removes every finding of the fixed rules and the workflow stays valid for GitHub', async () => {
    const input = read('unhardened.yml');
    const before = auditSources([input]).findings.map((f) => f.rule);
    expect(before.filter((r) => r === 'CRED001')).toHaveLength(2);
    expect(before.filter((r) => r === 'CRED003')).toHaveLength(2);
    expect(before).toContain('PERM001');
    expect(await workflowErrors(input.file, input.text)).toEqual([]);

    const [fixed] = fixSources([input]);
    expect(fixed!.fixed.map((f) => f.rule).sort()).toEqual([
      'CRED001',
      'CRED001',
      'CRED003',
      'CRED003',
      'PERM001',
    ]);
    const after = auditSources([{ file: input.file, text: fixed!.after }]);
    expect(after.errors).toEqual([]);
    expect(after.findings.filter((f) => FIXED_RULES.includes(f.rule))).toEqual([]);
    expect(after.findings).toEqual([]);
    expect(await workflowErrors(input.file, fixed!.after)).toEqual([]);
  });

  it('keeps comments, layout and the untouched lines', () => {
    const input = read('unhardened.yml');
    const [fixed] = fixSources([input]);
    expect(fixed!.after).toContain(
      '# Builds, signs and releases; written the way many workflows start out.\n',
    );
    expect(fixed!.after).toContain('      # Node for the build\n');
    expect(fixed!.after).toContain("tags: ['v*']");
    expect(fixed!.after).toContain('permissions: {}\n\njobs:');
    // Only additions, plus the two script lines whose secret moved into env:.
    const removed = unifiedDiff(input.file, input.text, fixed!.after)
      .split('\n')
      .filter((l) => l.startsWith('-') && !l.startsWith('---'));
    expect(removed).toHaveLength(2);
    expect(removed.every((l) => l.includes('secrets.'))).toBe(true);
  });

  it('infers job permissions from the steps', () => {
    const [fixed] = fixSources([read('unhardened.yml')]);
    expect(fixed!.after).toContain('    permissions:\n      contents: read\n    steps:');
    expect(fixed!.after).toContain(
      '    permissions:\n      contents: write\n      id-token: write\n      packages: write\n    steps:',
    );
  });

  it('moves a secret into env: with a quoted variable', () => {
    const [fixed] = fixSources([read('unhardened.yml')]);
    expect(fixed!.after).toContain('--registry-password "${REGISTRY_TOKEN}"');
    expect(fixed!.after).toContain('REGISTRY_TOKEN: ${{ secrets.REGISTRY_TOKEN }}');
    expect(fixed!.after).toContain('_authToken=${NPM_TOKEN}" > .npmrc');
  });

  it('adds persist-credentials: false to a composite action checkout', () => {
    const input = read('composite/action.yml');
    const [fixed] = fixSources([input]);
    expect(fixed!.after).toContain('        fetch-depth: 1\n        persist-credentials: false\n');
    expect(auditSources([{ file: input.file, text: fixed!.after }]).findings).toEqual([]);
  });

  it('leaves what it cannot fix safely, and says why', () => {
    const input = read('unfixable.yml');
    const [fixed] = fixSources([input]);
    expect(fixed!.after).toBe(input.text);
    expect(fixed!.skipped).toEqual([
      expect.stringContaining('PERM001: job "bot" uses example-org/release-bot@'),
      expect.stringContaining('CRED003 line 11: ${{ secrets.SINGLE_QUOTED }} is inside single quotes'),
      expect.stringContaining('CRED003 line 13: shell pwsh is not bash or sh'),
    ]);
  });

  it('leaves malformed YAML and steps sharing an anchored with: untouched', () => {
    const [broken] = fixSources([{ file: 'broken.yml', text: 'jobs:\n  a: [\n' }]);
    expect(broken!.after).toBe(broken!.before);
    expect(broken!.skipped).toEqual(['not valid YAML (line 3).']);

    const shared = [
      'on: push',
      'permissions: {}',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    permissions: {}',
      '    steps:',
      '      - uses: actions/setup-node@3333333333333333333333333333333333333333 # v4.4.0',
      '        with: &with',
      '          node-version: 22',
      '      - uses: actions/checkout@2222222222222222222222222222222222222222 # v4.2.2',
      '        with: *with',
      '',
    ].join('\n');
    const [fixed] = fixSources([{ file: 'shared.yml', text: shared }]);
    expect(fixed!.after).toBe(shared);
    expect(fixed!.skipped).toEqual(['CRED001 line 11: with: is an alias shared with other steps.']);
  });

  it('prints a unified diff with a/ and b/ names, empty when nothing changes', () => {
    const input = read('unhardened.yml');
    const [fixed] = fixSources([input]);
    const diff = unifiedDiff(input.file, input.text, fixed!.after);
    expect(diff.startsWith('--- a/unhardened.yml\n+++ b/unhardened.yml\n@@ ')).toBe(true);
    expect(diff).toContain('+permissions: {}\n');
    expect(unifiedDiff('x.yml', 'a\n', 'a\n')).toBe('');
  });
});
