import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeWhole } from '@release-actions/core';

const dirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'write-whole-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('writeWhole', () => {
  it('writes the text, replacing an older file, and leaves nothing else beside it', () => {
    const dir = scratch();
    const file = path.join(dir, 'report.json');
    writeFileSync(file, 'old');
    writeWhole(file, '{"new":true}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"new":true}\n');
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  it('leaves the old file as it was and no partial file when the write fails', () => {
    const dir = scratch();
    // A directory where the file should be: the rename fails after the partial file is written.
    const file = path.join(dir, 'taken');
    mkdirSync(file);
    writeFileSync(path.join(file, 'inside'), 'kept');
    expect(() => writeWhole(file, 'text')).toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(readFileSync(path.join(file, 'inside'), 'utf8')).toBe('kept');
  });

  it('throws for a folder that does not exist, writing nothing', () => {
    const dir = scratch();
    expect(() => writeWhole(path.join(dir, 'missing', 'report.json'), 'text')).toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
