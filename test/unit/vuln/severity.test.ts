import { describe, expect, it } from '@jest/globals';
import { InputError } from '@release-actions/core';
import { atOrAbove, normalizeSeverity, parseCutoff } from '@release-actions/vuln';

describe('severity cutoff', () => {
  it('accepts the five severities in any case and defaults to high', () => {
    expect(parseCutoff('CRITICAL')).toBe('critical');
    expect(parseCutoff(' Medium ')).toBe('medium');
    expect(parseCutoff('negligible')).toBe('negligible');
    expect(parseCutoff(undefined)).toBe('high');
    expect(parseCutoff('')).toBe('high');
  });

  it('refuses anything else with one line naming the input and what is accepted', () => {
    expect(() => parseCutoff('severe')).toThrow(
      expect.objectContaining({
        input: 'severity-cutoff',
        detail: '"severe" is not a severity; use one of negligible, low, medium, high, critical.',
      }),
    );
    expect(() => parseCutoff('unknown')).toThrow(InputError);
  });

  it("normalises grype's severities; anything unrecognised is unknown", () => {
    expect(normalizeSeverity('Critical')).toBe('critical');
    expect(normalizeSeverity('Negligible')).toBe('negligible');
    expect(normalizeSeverity('Unknown')).toBe('unknown');
    expect(normalizeSeverity('')).toBe('unknown');
    expect(normalizeSeverity(undefined)).toBe('unknown');
    expect(normalizeSeverity('Important')).toBe('unknown');
  });

  it('orders severities and counts unknown only when asked', () => {
    expect(atOrAbove('critical', 'high', false)).toBe(true);
    expect(atOrAbove('high', 'high', false)).toBe(true);
    expect(atOrAbove('medium', 'high', false)).toBe(false);
    expect(atOrAbove('negligible', 'negligible', false)).toBe(true);
    expect(atOrAbove('unknown', 'critical', false)).toBe(false);
    expect(atOrAbove('unknown', 'critical', true)).toBe(true);
  });
});
