import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { untrustedContext } from '../../../packages/audit/src/expressions.js';

/**
 * However an untrusted path is spelled — dotted or bracketed, in any letter case, with spaces, an
 * array element by `*` or by number — the parser-based reading finds the same path, and a
 * neighbouring field that holds nothing an outsider writes is never taken for it.
 */

const UNTRUSTED = [
  'github.event.issue.title',
  'github.event.pull_request.body',
  'github.event.comment.body',
  'github.event.commits.*.message',
  'github.event.head_commit.author.email',
  'github.event.pull_request.head.ref',
  'github.event.workflow_run.pull_requests.*.head.ref',
  'github.head_ref',
];

const TRUSTED = [
  'github.event.issue.number',
  'github.event.pull_request.head.sha',
  'github.event.commits.*.id',
  'github.event.pull_request.head.repo.fork',
  'github.event.workflow_run.head_sha',
  'github.ref_name',
];

const casing = fc.array(fc.boolean(), { minLength: 64, maxLength: 64 });

/** One spelling of a dotted path: each key dotted or bracketed, each letter's case flipped or not. */
function spell(
  pattern: string,
  brackets: boolean[],
  upper: boolean[],
  index: number,
  spaces: boolean,
): string {
  const keys = pattern.split('.');
  let letter = 0;
  const cased = (key: string) =>
    [...key].map((c) => (upper[letter++ % upper.length] ? c.toUpperCase() : c)).join('');
  const gap = spaces ? ' ' : '';
  return keys
    .map((key, i) => {
      if (i === 0) return cased(key);
      if (key === '*') return brackets[i] ? `[${gap}${index}${gap}]` : '.*';
      return brackets[i] ? `[${gap}'${cased(key)}'${gap}]` : `.${cased(key)}`;
    })
    .join('');
}

/** The canonical form of a spelling: dotted keys as written, `[n]` and `.*` kept. */
function canonical(spelled: string): string {
  return spelled.replace(/\[\s*'([^']*)'\s*\]/g, '.$1').replace(/\[\s*(\d+)\s*\]/g, '[$1]');
}

describe('untrusted paths, however they are spelled', () => {
  it('are found, and named in dotted form', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...UNTRUSTED),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        casing,
        fc.nat(99),
        fc.boolean(),
        (pattern, brackets, upper, index, spaces) => {
          const spelled = spell(pattern, brackets, upper, index, spaces);
          expect(untrustedContext(`format('{0}', ${spelled})`)).toBe(canonical(spelled));
          expect(untrustedContext(`'${spelled.replace(/'/g, "''")}'`)).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('are not confused with trusted neighbours', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TRUSTED),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        casing,
        fc.nat(99),
        (pattern, brackets, upper, index) => {
          expect(untrustedContext(spell(pattern, brackets, upper, index, false))).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });
});
