import { expect } from '@jest/globals';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../harness/run-bundle.js';

/**
 * What the properties feed the readers: random text, random JSON, and real files cut short or
 * damaged. Seeds are random; fast-check prints the seed and the shrunk input of a failure.
 */

/** The texts of the fixture files under `dir` (relative to test/fixtures) whose names end with `suffix`. */
export function fixtureTexts(dir: string, suffix: string, maxBytes = 200_000): string[] {
  const full = path.join(repoRoot, 'test', 'fixtures', dir);
  const texts = readdirSync(full, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith(suffix))
    .sort()
    .map((name) => readFileSync(path.join(full, name), 'utf8'))
    .filter((text) => text.length <= maxBytes);
  if (texts.length === 0) throw new Error(`no fixture ending with ${suffix} under ${full}`);
  return texts;
}

/** Pieces YAML is made of, so that random text is often almost YAML. */
const YAML_PIECES = [
  ':',
  ': ',
  '- ',
  '-',
  '? ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '&a ',
  '*a',
  '&b ',
  '*b',
  '!!str ',
  '!!map ',
  '!t ',
  '<<: ',
  '\n',
  '\n  ',
  '\n    ',
  '  ',
  '\t',
  '#',
  ' # x',
  '"',
  "'",
  '\\',
  '|',
  '>',
  '|-',
  '---\n',
  '...\n',
  '%YAML 1.1\n',
  'on',
  'jobs',
  'steps',
  'uses: ',
  'run: ',
  'with',
  'permissions',
  'runs-on',
  'a',
  'b',
  '1',
  'null',
  '~',
  'true',
  '${{ ',
  ' }}',
  'github.event.issue.title',
  'actions/checkout@v4',
  '@',
  'x'.repeat(40),
  'release-actions: ignore[PIN001]',
  'ignore',
  'rules',
  'id',
  'reason',
  'expires',
  '2030-01-01',
  'CVE-1',
];

/** Text assembled from YAML's pieces. */
export const yamlish: fc.Arbitrary<string> = fc
  .array(fc.constantFrom(...YAML_PIECES), { maxLength: 80 })
  .map((pieces) => pieces.join(''));

/** Any text: bytes as characters, any Unicode, and near-YAML. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  yamlish,
);

/** A real text cut short, or with a slice removed, repeated, replaced or inserted. */
export function damaged(texts: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(...texts),
      fc.nat(),
      fc.nat(),
      fc.constantFrom('truncate', 'delete', 'repeat', 'replace', 'insert'),
      fc.oneof(
        yamlish,
        fc.string({ unit: 'binary', maxLength: 20 }),
        fc.constantFrom('"', '{', '[', ']', '}', ',', '\\', '\n'),
      ),
    )
    .map(([text, a, b, how, piece]) => {
      const start = a % (text.length + 1);
      const end = Math.min(text.length, start + (b % 200));
      switch (how) {
        case 'truncate':
          return text.slice(0, start);
        case 'delete':
          return text.slice(0, start) + text.slice(end);
        case 'repeat':
          return text.slice(0, end) + text.slice(start);
        case 'replace':
          return text.slice(0, start) + piece + text.slice(end);
        default:
          return text.slice(0, start) + piece + text.slice(start);
      }
    });
}

/** A real JSON document with one value somewhere in it replaced by a random JSON value. */
export function damagedJson(texts: readonly string[]): fc.Arbitrary<string> {
  const documents = texts.map((text) => JSON.parse(text) as unknown);
  return fc
    .tuple(fc.constantFrom(...documents), fc.nat(), fc.jsonValue({ maxDepth: 3 }))
    .map(([document, pick, value]) => JSON.stringify(replaceOne(document, pick, value)));
}

/** A copy of the document with its `pick`-th member (counted depth-first, modulo the count) replaced. */
function replaceOne(document: unknown, pick: number, value: unknown): unknown {
  const copy = structuredClone(document);
  const slots: [Record<string | number, unknown>, string | number][] = [];
  const pending: unknown[] = [copy];
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null) continue;
    for (const [key, child] of Object.entries(node)) {
      slots.push([node as Record<string | number, unknown>, Array.isArray(node) ? Number(key) : key]);
      pending.push(child);
    }
  }
  if (slots.length === 0) return value;
  const [container, key] = slots[pick % slots.length]!;
  container[key] = value;
  return copy;
}

/** The most one input may take; far above what any of these readers needs for a few kB, even on a loaded machine. */
export const PER_INPUT_MS = 2_000;

/** What fast-check may spend on one property before it stops with what it has run (a run still counts). */
export const PROPERTY_MS = 1_500;

/**
 * Runs `read` on one input: it returns, or throws one of the `allowed` errors (checked further by
 * `check`), within PER_INPUT_MS.
 */
export async function readsCleanly(
  read: () => unknown,
  allowed: readonly (abstract new (...args: never[]) => Error)[],
  check: (error: Error) => void = () => {},
): Promise<void> {
  const started = performance.now();
  try {
    await read();
  } catch (error) {
    if (!allowed.some((type) => error instanceof type)) throw error;
    check(error as Error);
    // One line naming the input: messages are what a person acts on.
    expect((error as Error).message).not.toBe('');
  }
  expect(performance.now() - started).toBeLessThan(PER_INPUT_MS);
}
