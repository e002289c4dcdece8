import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '@release-actions/core';
import {
  checkPath,
  readBoolean,
  readEnum,
  readInteger,
  readList,
  readMultiline,
  readPath,
  readSecret,
  readString,
} from '@release-actions/kit';

// The readers go through @actions/core, which reads INPUT_<NAME> exactly as the runner sets it.
const saved = { ...process.env };
let stdout: string[];

beforeEach(() => {
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key];
  stdout = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  jest.restoreAllMocks();
  process.env = { ...saved };
});

function input(name: string, value: string): void {
  process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
}

function errorOf(read: () => unknown): InputError {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('readString', () => {
  it('returns the trimmed value', () => {
    input('image', '  ghcr.io/a/b@sha256:00  \n');
    expect(readString('image')).toBe('ghcr.io/a/b@sha256:00');
  });

  it('reads a name with spaces and hyphens as the runner mangles it', () => {
    input('output-file name', 'x');
    expect(process.env['INPUT_OUTPUT-FILE_NAME']).toBe('x');
    expect(readString('output-file name')).toBe('x');
  });

  it('falls back to the default, or undefined', () => {
    expect(readString('missing', { default: 'd' })).toBe('d');
    expect(readString('missing')).toBeUndefined();
    input('blank', '   ');
    expect(readString('blank', { default: 'd' })).toBe('d');
  });

  it('names a required input that is missing', () => {
    expect(errorOf(() => readString('image', { required: true })).message).toBe(
      "Input 'image': required but not given.",
    );
  });
});

describe('readSecret', () => {
  it('masks the value (and each line of a multi-line one) before returning it trimmed', () => {
    input('token', ' s3cr3t-value\n');
    expect(readSecret('token')).toBe('s3cr3t-value');
    expect(stdout.join('')).toContain('::add-mask::s3cr3t-value');

    stdout = [];
    input('key', '-----BEGIN KEY-----\nAAAABBBB\n-----END KEY-----');
    expect(readSecret('key')).toBe('-----BEGIN KEY-----\nAAAABBBB\n-----END KEY-----');
    const masks = stdout
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('::add-mask::'));
    expect(masks).toEqual(
      expect.arrayContaining([
        '::add-mask::-----BEGIN KEY-----%0AAAAABBBB%0A-----END KEY-----',
        '::add-mask::AAAABBBB',
        '::add-mask::-----BEGIN KEY-----',
      ]),
    );
  });

  it('returns undefined and masks nothing for an empty secret', () => {
    expect(readSecret('token')).toBeUndefined();
    expect(stdout.join('')).toBe('');
  });
});

describe('readBoolean', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['yes', true],
    ['1', true],
    ['false', false],
    ['Off', false],
    ['0', false],
  ])('reads %s as %s', (value, expected) => {
    input('verbose', value);
    expect(readBoolean('verbose', { default: !expected })).toBe(expected);
  });

  it('uses the default when empty', () => {
    expect(readBoolean('verbose', { default: true })).toBe(true);
    expect(readBoolean('verbose', { default: false })).toBe(false);
  });

  it('names the input and the accepted values', () => {
    input('verbose', 'maybe');
    expect(errorOf(() => readBoolean('verbose', { default: false })).message).toBe(
      'Input \'verbose\': "maybe" is not a boolean; use true or false.',
    );
  });
});

describe('readEnum', () => {
  const severities = ['negligible', 'low', 'medium', 'high', 'critical'] as const;

  it('returns the accepted spelling, case-insensitively', () => {
    input('severity-cutoff', 'HIGH');
    expect(readEnum('severity-cutoff', severities)).toBe('high');
  });

  it('uses the default when empty', () => {
    expect(readEnum('severity-cutoff', severities, { default: 'critical' })).toBe('critical');
    expect(readEnum('severity-cutoff', severities)).toBeUndefined();
  });

  it('names the input, the value and every accepted value', () => {
    input('severity-cutoff', 'urgent');
    expect(errorOf(() => readEnum('severity-cutoff', severities)).message).toBe(
      'Input \'severity-cutoff\': "urgent" is not accepted; use one of negligible, low, medium, high, critical.',
    );
  });
});

describe('readList', () => {
  it('splits on commas and newlines, trims and drops empty items', () => {
    input('tools', 'cosign, syft\n\n grype ,,\nhelm');
    expect(readList('tools')).toEqual(['cosign', 'syft', 'grype', 'helm']);
  });

  it('returns the default for an empty input', () => {
    expect(readList('tools', { default: ['all'] })).toEqual(['all']);
    expect(readList('tools')).toEqual([]);
  });

  it('maps accepted items to their accepted spelling', () => {
    input('formats', 'SPDX-json, CycloneDX-JSON');
    expect(readList('formats', { accepted: ['spdx-json', 'CycloneDX-JSON'] })).toEqual([
      'spdx-json',
      'CycloneDX-JSON',
    ]);
  });

  it('names the input, every unknown item and the accepted values', () => {
    input('tools', 'cosign, curl, wget');
    expect(errorOf(() => readList('tools', { accepted: ['cosign', 'syft'] })).message).toBe(
      'Input \'tools\': "curl", "wget" not accepted; use any of cosign, syft.',
    );
  });
});

describe('readMultiline', () => {
  it('keeps commas, drops blank lines and # comments', () => {
    input('ignore', '# why: accepted risk\nCVE-2024-1, until 2030-01-01\n\n  GHSA-xxxx  \n');
    expect(readMultiline('ignore')).toEqual(['CVE-2024-1, until 2030-01-01', 'GHSA-xxxx']);
  });
});

describe('readInteger', () => {
  it('reads whole numbers within bounds and the default when empty', () => {
    input('retries', '3');
    expect(readInteger('retries', { default: 1, min: 0, max: 10 })).toBe(3);
    input('retries', '-2');
    expect(readInteger('retries', { default: 1 })).toBe(-2);
    delete process.env.INPUT_RETRIES;
    expect(readInteger('retries', { default: 1 })).toBe(1);
  });

  it.each(['1.5', '1e3', 'ten', '11', '-1', '0x10'])('refuses %s naming the input and the range', (value) => {
    input('retries', value);
    expect(errorOf(() => readInteger('retries', { default: 1, min: 0, max: 10 })).message).toBe(
      `Input 'retries': "${value}" is not a whole number between 0 and 10.`,
    );
  });
});

describe('readInteger without both bounds', () => {
  it.each([
    [{ min: 1 }, ' of at least 1'],
    [{ max: 9 }, ' of at most 9'],
    [{}, ''],
  ])('says what is accepted (%j)', (bounds, range) => {
    input('retries', 'x');
    expect(errorOf(() => readInteger('retries', { default: 1, ...bounds })).message).toBe(
      `Input 'retries': "x" is not a whole number${range}.`,
    );
  });

  it('refuses a number beyond the safe integers', () => {
    input('retries', '99999999999999999999');
    expect(() => readInteger('retries', { default: 1 })).toThrow(InputError);
  });
});

describe('readPath and checkPath', () => {
  let workspace: string;
  let outside: string;

  beforeEach(() => {
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'kit-path-'));
    workspace = path.join(scratch, 'workspace');
    outside = path.join(scratch, 'outside');
    mkdirSync(path.join(workspace, 'reports'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(path.join(workspace, 'reports', 'scan.json'), '{}');
    writeFileSync(path.join(outside, 'secret'), 'x');
    symlinkSync(outside, path.join(workspace, 'escape'));
    process.env.GITHUB_WORKSPACE = workspace;
  });

  afterEach(() => rmSync(path.dirname(workspace), { recursive: true, force: true }));

  it('resolves a relative path against the workspace', () => {
    input('report', 'reports/scan.json');
    expect(readPath('report', { mustExist: 'file' })).toBe(path.join(workspace, 'reports', 'scan.json'));
    expect(readPath('missing', { default: 'out/sbom.json' })).toBe(path.join(workspace, 'out', 'sbom.json'));
    expect(readPath('missing')).toBeUndefined();
  });

  it.each(['../outside/secret', '/etc/passwd', 'reports/../../outside'])(
    'refuses %s outside the workspace',
    (value) => {
      input('report', value);
      expect(errorOf(() => readPath('report')).message).toBe(
        `Input 'report': "${value}" is outside the workspace ${workspace}; give a path inside it.`,
      );
    },
  );

  it('refuses a symbolic link that leads out of the workspace, existing or not yet', () => {
    expect(errorOf(() => checkPath('report', 'escape/secret')).message).toMatch(/outside the workspace/);
    expect(errorOf(() => checkPath('output', 'escape/new/file.json')).message).toMatch(
      /^Input 'output': .*outside the workspace/,
    );
  });

  it('accepts a path outside only when the caller allows it', () => {
    expect(checkPath('report', '/etc/hostname', { allowOutsideWorkspace: true })).toBe('/etc/hostname');
  });

  it('checks existence and kind when asked', () => {
    expect(errorOf(() => checkPath('report', 'reports/none.json', { mustExist: 'any' })).message).toBe(
      'Input \'report\': "reports/none.json" does not exist.',
    );
    expect(errorOf(() => checkPath('report', 'reports', { mustExist: 'file' })).message).toBe(
      'Input \'report\': "reports" is not a file.',
    );
    expect(errorOf(() => checkPath('dir', 'reports/scan.json', { mustExist: 'directory' })).message).toBe(
      'Input \'dir\': "reports/scan.json" is not a directory.',
    );
    expect(checkPath('dir', 'reports', { mustExist: 'directory' })).toBe(path.join(workspace, 'reports'));
  });

  it('refuses a NUL byte', () => {
    expect(errorOf(() => checkPath('report', 'a\0b')).message).toBe(
      "Input 'report': the path contains a NUL byte.",
    );
  });
});
