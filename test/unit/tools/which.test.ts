import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findOnPath } from '@release-actions/tools';

let root: string;

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'which-'));
  for (const dir of ['a', 'b', 'c']) mkdirSync(path.join(root, dir));
  writeFileSync(path.join(root, 'a', 'grype'), 'not executable');
  writeFileSync(path.join(root, 'b', 'grype'), '#!/bin/sh\n');
  chmodSync(path.join(root, 'b', 'grype'), 0o755);
  mkdirSync(path.join(root, 'c', 'syft'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const pathOf = (...dirs: string[]) => ({ PATH: dirs.map((d) => path.join(root, d)).join(path.delimiter) });

describe('findOnPath', () => {
  it('finds the first executable file, skipping one that cannot be run', () => {
    expect(findOnPath('grype', pathOf('a', 'b'))).toBe(path.join(root, 'b', 'grype'));
  });

  it('does not take a directory of that name for the tool', () => {
    expect(findOnPath('syft', pathOf('c'))).toBeUndefined();
  });

  it('finds nothing for an empty PATH or a name with a path in it', () => {
    expect(findOnPath('grype', { PATH: '' })).toBeUndefined();
    expect(findOnPath('b/grype', { PATH: root })).toBeUndefined();
  });
});
