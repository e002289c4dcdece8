import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { auditSources, parseConfig, parseSource, YamlSyntaxError } from '@release-actions/audit';
import { InputError } from '@release-actions/core';
import { readChartMetadata } from '@release-actions/helm';
import { loadIgnoreFile, parseIgnoreRules } from '@release-actions/vuln';
import { anyText, damaged, fixtureTexts, PROPERTY_MS, readsCleanly } from './inputs.js';

/**
 * Every reader of a YAML file a user writes returns, or throws its documented error (never a
 * TypeError or RangeError from inside), and does so quickly, whatever the text.
 */

const workflows = [...fixtureTexts('audit/corpus', '.yml'), ...fixtureTexts('workflow', '.yml')];
const ignoreFiles = fixtureTexts('vuln/ignore', '.yaml');
const CONFIG = [
  'rules:',
  '  PIN001:',
  '    severity: low',
  '    reason: internal actions are pinned by tag',
  '  HR001: { disabled: true, reason: "self-hosted runners" }',
  'ignore:',
  '  - path: .github/workflows/legacy-*.yml',
  '    rules: [PERM001, INJ001]',
  '    reason: being rewritten',
  '',
].join('\n');
const CHART = 'apiVersion: v2\nname: demo\nversion: 1.2.3\ndescription: "a chart"\ntype: application\n';

const options = { interruptAfterTimeLimit: PROPERTY_MS, numRuns: 1000 };
const workflowText = fc.oneof(anyText, damaged(workflows));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'yaml-readers-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the audit', () => {
  it('parses a workflow or throws a YamlSyntaxError with its position', async () => {
    await fc.assert(
      fc.asyncProperty(workflowText, (text) =>
        readsCleanly(
          () => parseSource('w.yml', text),
          [YamlSyntaxError],
          (error) => {
            const at = error as YamlSyntaxError;
            expect(at.line).toBeGreaterThanOrEqual(1);
            expect(at.column).toBeGreaterThanOrEqual(1);
          },
        ),
      ),
      options,
    );
  });

  it('audits any text without throwing: a file is audited, skipped, or an error with its position', async () => {
    await fc.assert(
      fc.asyncProperty(workflowText, (text) =>
        readsCleanly(() => {
          const result = auditSources([{ file: 'w.yml', text }]);
          // An error without a position would be a rule that crashed ("could not be audited").
          for (const error of result.errors) expect(error).toMatchObject({ line: expect.any(Number) });
          expect(result.errors.length + result.skipped.length).toBeLessThanOrEqual(1);
        }, []),
      ),
      options,
    );
  });

  it('reads its config or throws the config error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyText, damaged([CONFIG])), (text) =>
        readsCleanly(
          () => parseConfig('audit.yml', text),
          [InputError],
          (error) => {
            expect((error as InputError).code).toBe('AUDIT_CONFIG_INVALID');
            expect(error.message).toMatch(/^Audit config audit\.yml: /);
          },
        ),
      ),
      options,
    );
  });
});

describe('the ignore file of the scan', () => {
  const ignoreError = (error: Error) => expect((error as InputError).code).toBe('IGNORE_RULE_INVALID');

  it('reads the file or throws the ignore-rule error', async () => {
    let count = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyText, damaged(ignoreFiles)), async (text) => {
        const file = path.join(dir, `ignore-${count++}.yaml`);
        writeFileSync(file, text);
        await readsCleanly(() => loadIgnoreFile(file), [InputError], ignoreError);
      }),
      options,
    );
  });

  it('refuses a repeated key at its line and column', async () => {
    const file = path.join(dir, 'repeated.yaml');
    writeFileSync(file, 'ignore:\n  - id: CVE-1\n    reason: r\n    id: CVE-2\n    expires: 2030-01-01\n');
    await expect(loadIgnoreFile(file)).rejects.toThrow(
      `Ignore file ${file} is not valid YAML: Map keys must be unique at line 4, column 5`,
    );
  });

  it('checks any parsed value or throws the ignore-rule error', async () => {
    const value = fc.oneof(
      fc.jsonValue(),
      fc.record({
        ignore: fc.array(
          fc.dictionary(
            fc.constantFrom('id', 'package', 'version', 'reason', 'expires', 'x'),
            fc.jsonValue({ maxDepth: 2 }),
          ),
        ),
      }),
      fc.record({ ignore: fc.array(fc.anything()) }),
    );
    await fc.assert(
      fc.asyncProperty(value, (data) =>
        readsCleanly(() => parseIgnoreRules(data, 'i.yaml'), [InputError], ignoreError),
      ),
      options,
    );
  });
});

describe('the Chart.yaml of a chart directory', () => {
  it('refuses a repeated key at its line and column', async () => {
    const chart = path.join(dir, 'repeated');
    mkdirSync(chart);
    writeFileSync(path.join(chart, 'Chart.yaml'), `${CHART}name: other\n`);
    await expect(readChartMetadata(chart)).rejects.toThrow(
      `${path.join(chart, 'Chart.yaml')} is not valid YAML: Map keys must be unique at line 6, column 1`,
    );
  });

  it('reads the name and version or throws the chart error', async () => {
    let count = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyText, damaged([CHART])), async (text) => {
        const chart = path.join(dir, `chart-${count++}`);
        mkdirSync(chart);
        writeFileSync(path.join(chart, 'Chart.yaml'), text);
        await readsCleanly(
          () => readChartMetadata(chart),
          [InputError],
          (error) => expect((error as InputError).code).toBe('CHART_INVALID'),
        );
      }),
      options,
    );
  });
});
