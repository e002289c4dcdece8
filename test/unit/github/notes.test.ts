import { describe, expect, it } from '@jest/globals';
import { cliInputNames, describeError, InputError, OperationalError } from '@release-actions/core';
import {
  checkReleaseNotes,
  MAX_RELEASE_BODY,
  NOTES_END,
  NOTES_START,
  spliceNotes,
} from '@release-actions/github';

const block = (notes: string, eol = '\n') => [NOTES_START, ...notes.split('\n'), NOTES_END].join(eol);

describe('spliceNotes', () => {
  it('writes the block alone into an empty or absent body', () => {
    expect(spliceNotes(null, 'cmd')).toBe(block('cmd'));
    expect(spliceNotes('', 'a\nb')).toBe(block('a\nb'));
  });

  it('appends the block after a blank line to a body without one, keeping the body as it is', () => {
    expect(spliceNotes('## Changes\n- fix  ', 'cmd')).toBe(`## Changes\n- fix  \n\n${block('cmd')}`);
    expect(spliceNotes('text\n', 'cmd')).toBe(`text\n\n${block('cmd')}`);
    expect(spliceNotes('text\n\n', 'cmd')).toBe(`text\n\n${block('cmd')}`);
  });

  it('replaces a block in the middle and keeps the text on both sides byte for byte', () => {
    const body = `Intro  \n\n${block('old 1\nold 2')}\n\n## Changes\n\t- tabbed\n`;
    expect(spliceNotes(body, 'new')).toBe(`Intro  \n\n${block('new')}\n\n## Changes\n\t- tabbed\n`);
  });

  it('replaces a block at the end, and a rerun with the same notes gives the same body', () => {
    const once = spliceNotes('Intro', 'cmd');
    expect(spliceNotes(once, 'cmd')).toBe(once);
    expect(spliceNotes(once, 'other')).toBe(`Intro\n\n${block('other')}`);
  });

  it('uses CRLF in the block when the body has CRLF line breaks (bodies saved by the web editor)', () => {
    const body = 'Line one\r\nLine two';
    const appended = spliceNotes(body, 'a\nb');
    expect(appended).toBe(`Line one\r\nLine two\r\n\r\n${block('a\nb', '\r\n')}`);
    expect(spliceNotes(`${appended}\r\nafter\r\n`, 'c')).toBe(
      `Line one\r\nLine two\r\n\r\n${block('c', '\r\n')}\r\nafter\r\n`,
    );
  });

  it('keeps only the first of several blocks: replaced in place, later ones removed with their separator', () => {
    const body = `A\n\n${block('x')}\n\nB\n\n${block('y')}\n\nC\n\n${block('z')}`;
    const result = spliceNotes(body, 'new');
    expect(result).toBe(`A\n\n${block('new')}\n\nB\n\nC`);
    expect(result.split(NOTES_START)).toHaveLength(2);
  });

  it('leaves a stray end marker before the block alone', () => {
    const body = `see ${NOTES_END} here\n\n${block('x')}`;
    expect(spliceNotes(body, 'y')).toBe(`see ${NOTES_END} here\n\n${block('y')}`);
  });

  it('refuses a start marker with no end marker after it rather than guess where the block ends', () => {
    const body = `Intro\n\n${NOTES_START}\ncmd\nwritten by a person`;
    expect(() => spliceNotes(body, 'new')).toThrow(OperationalError);
    expect(() => spliceNotes(body, 'new')).toThrow(/without <!-- release-actions:verify:end --> after it/);
  });
});

describe('checkReleaseNotes', () => {
  it('drops leading and trailing blank lines and normalises line breaks', () => {
    expect(checkReleaseNotes('\n  \ncosign verify x\r\n  slsa-verifier y\n\n\n')).toBe(
      'cosign verify x\n  slsa-verifier y',
    );
  });

  it('treats empty and whitespace-only notes as no notes', () => {
    for (const blank of [undefined, '', '   ', '\n\n', ' \r\n\t\n']) {
      expect(checkReleaseNotes(blank)).toBeUndefined();
    }
  });

  it('refuses notes that contain a marker, naming the input (or the flag it was given)', () => {
    for (const marker of [NOTES_START, NOTES_END]) {
      expect(() => checkReleaseNotes(`cmd\n${marker}\n`)).toThrow(InputError);
      expect(() => checkReleaseNotes(`cmd ${marker}`)).toThrow(
        `Input 'release-notes': the notes contain the marker ${marker}`,
      );
      const names = cliInputNames({ 'release-notes': '--release-notes-file' });
      let error: unknown;
      try {
        checkReleaseNotes(marker);
      } catch (caught) {
        error = caught;
      }
      expect(describeError(error, names)).toMatch(/^--release-notes-file: the notes contain the marker/);
    }
  });

  it('refuses notes whose block alone exceeds the release body limit, counting characters', () => {
    const room = MAX_RELEASE_BODY - block('').length;
    // Each emoji is one character for GitHub but two UTF-16 units for JavaScript.
    expect(checkReleaseNotes('😀'.repeat(room))).toHaveLength(room * 2);
    expect(() => checkReleaseNotes('x'.repeat(room + 1))).toThrow(
      `Input 'release-notes': the notes make a block of ${MAX_RELEASE_BODY + 1} characters; GitHub allows at most ${MAX_RELEASE_BODY} in a release body.`,
    );
  });
});
