import { InputError, OperationalError } from '@release-actions/core';
import type { GithubErrorCode } from './errors.js';

/**
 * The block of a release body that this toolkit owns. Everything outside the markers belongs to
 * the people who edit the release and is kept byte for byte; the markers are HTML comments, so
 * GitHub renders nothing for them.
 */
export const NOTES_START = '<!-- release-actions:verify:start -->';
export const NOTES_END = '<!-- release-actions:verify:end -->';

/** GitHub refuses a release body longer than this many characters (422 "body is too long"). */
export const MAX_RELEASE_BODY = 125_000;

/**
 * Validated notes with leading and trailing blank lines dropped and line breaks as `\n`, so that
 * the same commands give the same block whatever the YAML block scalar appended; undefined when
 * nothing is left to write.
 */
export function checkReleaseNotes(value: string | undefined): string | undefined {
  const input = 'release-notes';
  if (value === undefined) return undefined;
  const lines = value.split(/\r\n|\r|\n/);
  while (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length === 0) return undefined;
  const notes = lines.join('\n');
  for (const marker of [NOTES_START, NOTES_END]) {
    if (notes.includes(marker)) {
      throw new InputError(
        `the notes contain the marker ${marker}, which delimits the block they are written into; remove it.`,
        { input },
      );
    }
  }
  const size = characters(blockFor(notes, '\n'));
  if (size > MAX_RELEASE_BODY) {
    throw new InputError(
      `the notes make a block of ${size} characters; GitHub allows at most ${MAX_RELEASE_BODY} in a release body.`,
      { input },
    );
  }
  return notes;
}

/**
 * The body with the notes block written in: the first block replaced, or, when the body has
 * none, the block appended after a blank line. A body holding several blocks (edited by hand, or
 * written by a tool that appended twice) keeps only the first position: the later blocks are
 * removed with the line breaks that separated them, so exactly one block remains. The block uses
 * the body's line breaks (CRLF when the body has them, as bodies saved from GitHub's web editor do).
 *
 * A start marker without an end marker after it is refused: where the owned block ends cannot be
 * known, and guessing could delete text a person wrote.
 */
export function spliceNotes(body: string | null | undefined, notes: string): string {
  const text = body ?? '';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const block = blockFor(notes, eol);
  const first = findBlock(text, 0);
  if (first === undefined) {
    if (text === '') return block;
    const separator = text.endsWith(`${eol}${eol}`) ? '' : text.endsWith(eol) ? eol : `${eol}${eol}`;
    return `${text}${separator}${block}`;
  }
  let result = `${text.slice(0, first.start)}${block}`;
  let rest = text.slice(first.end);
  for (let next = findBlock(rest, 0); next !== undefined; next = findBlock(rest, 0)) {
    // The line breaks before a later block are the separator it was appended with.
    let cut = next.start;
    while (cut > 0 && (rest[cut - 1] === '\n' || rest[cut - 1] === '\r')) cut--;
    rest = `${rest.slice(0, cut)}${rest.slice(next.end)}`;
  }
  result += rest;
  return result;
}

/** The body's length as GitHub counts it: characters (code points), not UTF-16 units. */
export function characters(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

function blockFor(notes: string, eol: string): string {
  return [NOTES_START, ...notes.split('\n'), NOTES_END].join(eol);
}

function findBlock(text: string, from: number): { start: number; end: number } | undefined {
  const start = text.indexOf(NOTES_START, from);
  if (start < 0) return undefined;
  const end = text.indexOf(NOTES_END, start + NOTES_START.length);
  if (end < 0) {
    throw new OperationalError<GithubErrorCode>(
      `The release body has the marker ${NOTES_START} without ${NOTES_END} after it; restore or remove the marker in the release notes, then rerun.`,
      { code: 'NOTES_BLOCK_UNCLOSED' },
    );
  }
  return { start, end: end + NOTES_END.length };
}
