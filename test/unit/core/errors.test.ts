import { describe, expect, it } from '@jest/globals';
import {
  cliInputNames,
  mention,
  describeError,
  EXIT_ERROR,
  EXIT_OK,
  EXIT_POLICY,
  exitCodeFor,
  InputError,
  OperationalError,
  PolicyError,
  ReleaseActionsError,
} from '@release-actions/core';

describe('exit codes', () => {
  it('are 0 ok, 1 policy, 2 error', () => {
    expect([EXIT_OK, EXIT_POLICY, EXIT_ERROR]).toEqual([0, 1, 2]);
  });

  it('map a policy failure to 1 and everything else to 2', () => {
    expect(exitCodeFor(new PolicyError('findings'))).toBe(1);
    expect(exitCodeFor(new InputError('bad'))).toBe(2);
    expect(exitCodeFor(new OperationalError('down'))).toBe(2);
    expect(exitCodeFor(new TypeError('bug'))).toBe(2);
    expect(exitCodeFor('thrown string')).toBe(2);
    expect(exitCodeFor(undefined)).toBe(2);
  });
});

describe('error classes', () => {
  it('carry their name, message and cause', () => {
    const cause = new Error('ECONNRESET');
    const error = new OperationalError('download failed', { cause });
    expect(error).toBeInstanceOf(ReleaseActionsError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('OperationalError');
    expect(error.cause).toBe(cause);
    expect(new InputError('x').name).toBe('InputError');
    expect(new PolicyError('x').name).toBe('PolicyError');
    expect(String(new PolicyError('2 findings'))).toBe('PolicyError: 2 findings');
  });
});

describe('describeError', () => {
  it('gives one line: the message and its causes', () => {
    const error = new OperationalError('installing grype 0.94.0 failed', {
      cause: new Error('HTTP 500 from 127.0.0.1\n    at stack frame'),
    });
    expect(describeError(error)).toBe('installing grype 0.94.0 failed: HTTP 500 from 127.0.0.1');
  });

  it('does not repeat a cause the message already includes', () => {
    const inner = new Error('ENOENT: no such file');
    expect(describeError(new Error('reading report: ENOENT: no such file', { cause: inner }))).toBe(
      'reading report: ENOENT: no such file',
    );
  });

  it('stops after a few causes, even for a cycle', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(describeError(b)).toBe('b: a');
    let deep: Error = new Error('level 0');
    for (let i = 1; i < 10; i++) deep = new Error(`level ${i}`, { cause: deep });
    expect(describeError(deep).split(': ')).toHaveLength(4);
  });

  it('describes values that are not errors', () => {
    expect(describeError('plain text')).toBe('plain text');
    expect(describeError(42)).toBe('42');
    expect(describeError(undefined)).toBe('unknown error');
    expect(describeError(new Error(''))).toBe('unknown error');
    expect(describeError(new Error('\n'))).toBe('unknown error');
  });

  it('names the other inputs a message speaks of the way each front end names them', () => {
    const error = new InputError(`give ${mention('predicate')} or ${mention('sbom-spdx')}.`, {
      input: 'type',
    });
    expect(error.message).toBe("Input 'type': give 'predicate' or 'sbom-spdx'.");
    expect(describeError(error)).toBe("Input 'type': give 'predicate' or 'sbom-spdx'.");
    expect(describeError(error, cliInputNames({ 'sbom-spdx': '<sbom>' }))).toBe(
      '--type: give --predicate or <sbom>.',
    );
    const alone = new InputError(`Give one of ${mention('path')} or ${mention('package')}.`);
    expect(describeError(alone, cliInputNames())).toBe('Give one of --path or --package.');
    expect(alone.message).not.toContain('{input:');
  });
});
