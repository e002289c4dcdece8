import { describe, expect, it } from '@jest/globals';
import { code, escapeCell, Markdown, SUMMARY_LIMIT_BYTES } from '@release-actions/core';

describe('escapeCell', () => {
  it('keeps a table cell in its cell: pipes, backslashes and line breaks', () => {
    expect(escapeCell('a|b')).toBe('a\\|b');
    expect(escapeCell('C:\\path')).toBe('C:\\\\path');
    expect(escapeCell('one\r\ntwo\nthree')).toBe('one<br>two<br>three');
  });
});

describe('code', () => {
  it('fences with one backtick more than the longest run inside', () => {
    expect(code('grype')).toBe('`grype`');
    expect(code('a `b` c')).toBe('``a `b` c``');
    expect(code('x ``y`` z')).toBe('```x ``y`` z```');
  });

  it('pads text that starts or ends with a backtick', () => {
    expect(code('`x')).toBe('`` `x ``');
  });
});

describe('Markdown', () => {
  it('joins blocks with blank lines and ends with a newline', () => {
    const text = new Markdown()
      .heading('Scan')
      .paragraph('2 findings')
      .list(['one', 'two'])
      .list([])
      .codeBlock('{}', 'json')
      .details('more', 'body')
      .raw('<hr>')
      .toString();
    expect(text).toBe(
      '## Scan\n\n2 findings\n\n- one\n- two\n\n```json\n{}\n```\n\n<details><summary>more</summary>\n\nbody\n\n</details>\n\n<hr>\n',
    );
  });

  it('escapes table cells so a value cannot break the table', () => {
    const text = new Markdown()
      .table(
        ['package', 'note'],
        [
          ['libc|6', 'line1\nline2'],
          ['zlib', code('1.2')],
        ],
      )
      .toString();
    expect(text).toBe('| package | note |\n| --- | --- |\n| libc\\|6 | line1<br>line2 |\n| zlib | `1.2` |\n');
    expect(text.split('\n').filter((line) => line.startsWith('|'))).toHaveLength(4);
  });

  it('heading levels', () => {
    expect(new Markdown().heading('x', 4).toString()).toBe('#### x\n');
  });

  it('cuts at a block boundary within the limit and says so', () => {
    const doc = new Markdown();
    for (let i = 0; i < 100; i++) doc.paragraph(`block ${i} ${'x'.repeat(90)}`);
    const full = doc.toString();
    expect(full).not.toContain('was cut');

    const cut = doc.toString(2000);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(2000);
    expect(cut).toContain('block 0 ');
    expect(cut).not.toContain('block 99 ');
    expect(
      cut.endsWith('_The rest of this summary was cut to stay within the job summary size limit._\n'),
    ).toBe(true);
    // Whole blocks only: the last kept paragraph is complete.
    const kept = cut.split('\n\n').filter((b) => b.startsWith('block '));
    expect(kept.every((b) => b.endsWith('x'.repeat(90)))).toBe(true);
  });

  it('counts bytes, not characters, against the limit', () => {
    const doc = new Markdown().paragraph('é'.repeat(600)).paragraph('tail');
    expect(Buffer.byteLength(doc.toString(1000))).toBeLessThanOrEqual(1000);
    expect(doc.toString(1000)).not.toContain('tail');
  });

  it('keeps the default limit below GitHub 1 MiB step summary limit', () => {
    expect(SUMMARY_LIMIT_BYTES).toBeLessThan(1024 * 1024);
    const doc = new Markdown();
    for (let i = 0; i < 3000; i++) doc.paragraph('y'.repeat(500));
    expect(Buffer.byteLength(doc.toString())).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
  });
});
