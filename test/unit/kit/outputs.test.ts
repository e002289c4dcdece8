import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addPath, exportVariable, setOutput, writeSummary } from '@release-actions/kit';
import { Markdown } from '@release-actions/core';
import { parseFileCommand } from '../../harness/run-bundle.js';

const saved = { ...process.env };
const savedPath = process.env.PATH;
let scratch: string;
const file = (name: string) => path.join(scratch, name);

beforeEach(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'kit-outputs-'));
  for (const name of ['output', 'env', 'path', 'summary']) writeFileSync(file(name), '');
  process.env.GITHUB_OUTPUT = file('output');
  process.env.GITHUB_ENV = file('env');
  process.env.GITHUB_PATH = file('path');
  process.env.GITHUB_STEP_SUMMARY = file('summary');
});

afterEach(() => {
  process.env = { ...saved, PATH: savedPath };
  rmSync(scratch, { recursive: true, force: true });
});

describe('outputs', () => {
  it('writes strings as they are and everything else as JSON', () => {
    setOutput('digest', 'sha256:abc');
    setOutput('count', 3);
    setOutput('passed', false);
    setOutput('files', ['a.json', 'b.json']);
    setOutput('report', { critical: 0, multi: 'x\ny' });
    expect(parseFileCommand(readFileSync(file('output'), 'utf8'))).toEqual({
      digest: 'sha256:abc',
      count: '3',
      passed: 'false',
      files: '["a.json","b.json"]',
      report: '{"critical":0,"multi":"x\\ny"}',
    });
  });

  it('adds to PATH and exports variables through the file commands', () => {
    addPath('/opt/tools/cosign');
    exportVariable('COSIGN_YES', 'true');
    expect(readFileSync(file('path'), 'utf8').trim()).toBe('/opt/tools/cosign');
    expect(process.env.PATH?.startsWith(`/opt/tools/cosign${path.delimiter}`)).toBe(true);
    expect(parseFileCommand(readFileSync(file('env'), 'utf8'))).toEqual({ COSIGN_YES: 'true' });
  });
});

describe('writeSummary', () => {
  it('appends the document to the step summary', async () => {
    await writeSummary(new Markdown().heading('One'));
    await writeSummary(new Markdown().heading('Two'));
    expect(readFileSync(file('summary'), 'utf8')).toBe('## One\n\n## Two\n\n');
  });

  it('does nothing outside a runner', async () => {
    delete process.env.GITHUB_STEP_SUMMARY;
    await expect(writeSummary(new Markdown().heading('x'))).resolves.toBeUndefined();
    expect(readFileSync(file('summary'), 'utf8')).toBe('');
  });
});
