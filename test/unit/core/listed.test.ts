import { describe, expect, it } from '@jest/globals';
import { listed } from '@release-actions/core';

describe('listed', () => {
  it('reads a list as a sentence does, with the conjunction before the last item only', () => {
    expect(listed([], 'or')).toBe('');
    expect(listed(['text'], 'or')).toBe('text');
    expect(listed(['text', 'json'], 'or')).toBe('text or json');
    expect(listed(['cosign', 'syft', 'grype'], 'and')).toBe('cosign, syft and grype');
  });
});
