import { describe, expect, it } from '@jest/globals';
import { ansiStyle, plainStyle, styleFor } from '@release-actions/core';

describe('styleFor', () => {
  it('colours a terminal only', () => {
    expect(styleFor({ isTTY: true, env: {} })).toBe(ansiStyle);
    expect(styleFor({ isTTY: false, env: {} })).toBe(plainStyle);
    expect(styleFor({ isTTY: undefined, env: {} })).toBe(plainStyle);
  });

  it('honours NO_COLOR (any non-empty value), --no-color and TERM=dumb', () => {
    expect(styleFor({ isTTY: true, env: { NO_COLOR: '1' } })).toBe(plainStyle);
    expect(styleFor({ isTTY: true, env: { NO_COLOR: '' } })).toBe(ansiStyle);
    expect(styleFor({ isTTY: true, env: {}, noColor: true })).toBe(plainStyle);
    expect(styleFor({ isTTY: true, env: { TERM: 'dumb' } })).toBe(plainStyle);
  });

  it('plain text stays as it is; ANSI wraps and resets', () => {
    expect(plainStyle.bold('x')).toBe('x');
    expect(ansiStyle.bold('x')).toBe('\u001b[1mx\u001b[22m');
    expect(ansiStyle.red('x')).toBe('\u001b[31mx\u001b[39m');
  });
});
