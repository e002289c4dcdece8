import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Document, Pair, parse, parseDocument, Scalar, YAMLMap, YAMLParseError, YAMLSeq } from 'yaml';
import {
  duplicateKeyErrors,
  MAX_ALIASES,
  MAX_NESTING,
  parseYaml,
  parseYamlDocument,
} from '@release-actions/core/yaml-document';
import { repoRoot } from '../../harness/run-bundle.js';

/** What a caller can see of a document's errors: the first line of the message is what readers show. */
function errorsOf(doc: Document.Parsed): { code: string; pos: number[]; message: string }[] {
  return doc.errors.map((e) => ({ code: e.code, pos: [...e.pos], message: firstLine(e.message) }));
}

/** The library's first line ends with a colon when it shows the source below it; ours shows none. */
function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/:$/, '');
}

/** The library's own (quadratic) check is the reference: same errors, same order, same messages. */
function expectSameAsLibrary(text: string): void {
  expect(errorsOf(parseYamlDocument(text))).toEqual(errorsOf(parseDocument(text)));
  expect(errorsOf(parseYamlDocument(text, { prettyErrors: false }))).toEqual(
    errorsOf(parseDocument(text, { prettyErrors: false })),
  );
}

const CASES: Record<string, string> = {
  'top level': 'a: 1\nb: 2\na: 3\n',
  'quoted and plain': 'a: 1\n"a": 2\n',
  'single-quoted and plain': "a: 1\n'a': 2\n",
  'anchored key': 'a: 1\n&x a: 2\n',
  'tagged key': 'a: 1\n!!str a: 2\n',
  'explicit key': 'a: 1\n? a\n: 2\n',
  'empty keys': ': 1\n: 2\n',
  'null spelled two ways': '~: 1\nnull: 2\n',
  nested: 'x:\n  y:\n    a: 1\n    b: 2\n    a: 2\n',
  'flow map': 'x: {a: 1, b: 2, "a": 3}\n',
  'flow map in a sequence': 'x: [{a: 1}, {b: 1, a: 2, b: 3}]\n',
  'single pairs in a flow sequence': 'x: [a: 1, a: 2]\n',
  'number written two ways': '1: a\n1.0: b\n0x1: c\n',
  'number and string': '1: a\n"1": b\n',
  'NaN keys': '.nan: a\n.NaN: b\n',
  'zero and minus zero': '0: a\n-0: b\n',
  'true in two cases': 'true: 1\nTrue: 2\n',
  'merge keys in YAML 1.2 are plain keys': 'a: &a {x: 1}\nb:\n  <<: *a\n  <<: *a\n',
  'merge keys in YAML 1.1': '%YAML 1.1\n---\na: &a {x: 1}\nb:\n  <<: *a\n  <<: *a\n  y: 2\n',
  'alias keys': 'a: &k b\n*k : 1\n*k : 2\n',
  'collection keys': '? [a]\n: 1\n? [a]\n: 2\n',
  'block scalar keys': '? |\n  a\n: 1\n? |\n  a\n: 2\n',
  'duplicate inside a key': '? {a: 1, a: 2}\n: 1\n',
  'timestamps in YAML 1.1': '%YAML 1.1\n---\n2001-01-01: a\n2001-01-01: b\n',
  'YAML 1.1 set': '%YAML 1.1\n---\n!!set\n? a\n? b\n? a\n',
  'YAML 1.1 omap (its own check)': '%YAML 1.1\n---\n!!omap\n- a: 1\n- a: 2\n',
  'syntax error before the duplicate': 'a: [1\nb: 1\nb: 2\n',
  'syntax error after the duplicate': 'b: 1\nb: 2\nc: [1\n',
  'several duplicates, nested first': 'a:\n  x: 1\n  x: 2\na: 3\nb: {y: 1, y: 2}\n',
  'a long line': `x: {${Array.from({ length: 30 }, (_, i) => `key${i}: ${i}`).join(', ')}, key7: again}\n`,
  'a long line, key early': `x: {k: 1, k: 2, ${'z'.repeat(200)}: 1}\n`,
  'two documents': 'a: 1\na: 2\n---\nb: 1\n',
  'no duplicate': 'a: 1\nb: {c: 2, d: [e, {c: 3}]}\n',
};

describe('parseYamlDocument', () => {
  it.each(Object.entries(CASES))('reports what the library reports: %s', (_name, text) => {
    expectSameAsLibrary(text);
  });

  it('names the line and column of the repeated key', () => {
    const doc = parseYamlDocument('on: push\njobs:\n  build:\n    runs-on: x\n    "runs-on": y\n');
    expect(doc.errors).toHaveLength(1);
    expect(doc.errors[0]).toBeInstanceOf(YAMLParseError);
    expect(doc.errors[0]!.code).toBe('DUPLICATE_KEY');
    expect(doc.errors[0]!.message).toBe('Map keys must be unique at line 5, column 5');
  });

  it('reports the same errors as the library for generated maps', () => {
    // Few distinct keys in several spellings, nested maps and flow maps: duplicates are common.
    const key = fc.constantFrom('a', '"a"', "'a'", 'b', '1', '"1"', '1.0', '~', 'null', '.nan', 'true', '<<');
    const scalar = fc.constantFrom('x', '1', '"q"', '[]', '{}');
    const flow = fc
      .array(fc.tuple(key, scalar), { maxLength: 5 })
      .map((pairs) => `{${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')}}`);
    const block = fc.letrec<{ map: string }>((tie) => ({
      map: fc
        .array(
          fc.tuple(
            key,
            fc.oneof(
              { depthSize: 'small' },
              scalar,
              flow,
              tie('map').map((m) => `\n${m}`),
            ),
          ),
          { minLength: 1, maxLength: 5 },
        )
        .map((pairs) =>
          pairs
            .map(([k, v]) => `${k}: ${v}`)
            .join('\n')
            .replace(/^/gm, '  '),
        ),
    })).map;
    fc.assert(
      fc.property(block, (text) => {
        expectSameAsLibrary(text.replace(/^ {2}/gm, ''));
      }),
      { numRuns: 300 },
    );
  });
});

describe('nesting', () => {
  const nested = (depth: number) => `${'['.repeat(depth)}x${']'.repeat(depth)}`;

  it(`accepts ${MAX_NESTING} nested collections and refuses one more, where it starts`, () => {
    expect(parseYamlDocument(nested(MAX_NESTING)).errors).toEqual([]);
    expect(parseYamlDocument(`a:\n  - ${nested(MAX_NESTING - 2)}`).errors).toEqual([]);
    const deeper = parseYamlDocument(`a:\n  - ${nested(MAX_NESTING - 1)}`).errors;
    expect(deeper.map((e) => [e.code, e.message.split('\n')[0]])).toEqual([
      [
        'RESOURCE_EXHAUSTION',
        `Mappings and sequences nest deeper than ${MAX_NESTING} levels, the most accepted at line 2, column ${3 + MAX_NESTING}`,
      ],
    ]);
  });

  it('is the limit docs/errors.md states, with the limit of aliases', () => {
    const text = readFileSync(path.join(repoRoot, 'docs', 'errors.md'), 'utf8').replace(/\s+/g, ' ');
    expect(text).toContain(`nested at most ${MAX_NESTING} levels deep`);
    expect(text).toContain(`hold at most ${MAX_ALIASES} aliases`);
  });

  it('refuses nesting far beyond the stack, again and again in one process', () => {
    // On Node 20 a second file like this one used to abort the process inside the library.
    for (const text of ['- '.repeat(5_000) + 'x', '['.repeat(5_000), '{a: '.repeat(5_000)]) {
      for (let round = 0; round < 3; round++) {
        expect(parseYamlDocument(text).errors[0]!.message).toMatch(/^Mappings and sequences nest deeper/);
      }
    }
  });
});

describe('aliases', () => {
  const pairs = (count: number) =>
    ['list:', ...Array.from({ length: count }, (_, i) => `  - &a${i} x\n  - *a${i}`)].join('\n');

  it(`accepts ${MAX_ALIASES} aliases and refuses one more, at that alias`, () => {
    expect(parseYaml(pairs(MAX_ALIASES))).toEqual({
      list: Array.from({ length: 2 * MAX_ALIASES }, () => 'x'),
    });
    expect(() => parseYaml(pairs(MAX_ALIASES + 1))).toThrow(
      `More than ${MAX_ALIASES} aliases (*name), the most accepted at line ${2 * MAX_ALIASES + 3}, column 5`,
    );
  });

  it('refuses many aliases in linear time', () => {
    // Read into values by the library, 20,000 anchors each with its alias take 7 s, in time quadratic in their number.
    const text = pairs(40_000);
    const started = performance.now();
    expect(parseYamlDocument(text).errors.map((e) => e.code)).toEqual(['RESOURCE_EXHAUSTION']);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe('parseYaml', () => {
  it('returns what yaml.parse returns', () => {
    const text = 'a: 1\nb: [x, {c: d}]\nanchor: &n {k: v}\nalias: *n\n';
    expect(parseYaml(text)).toEqual(parse(text));
  });

  it('throws the library error for a duplicate key', () => {
    const text = 'a: 1\nb:\n  c: 1\n  c: 2\n';
    expect(() => parse(text)).toThrow('Map keys must be unique at line 4, column 3:');
    expect(() => parseYaml(text)).toThrow(YAMLParseError);
    expect(() => parseYaml(text)).toThrow('Map keys must be unique at line 4, column 3');
  });

  it('refuses an alias bomb', () => {
    const levels = Array.from(
      { length: 6 },
      (_, i) => `l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(', ')}]`,
    );
    expect(() => parseYaml(['l0: &l0 [x]', ...levels].join('\n'))).toThrow(/alias/i);
  });
});

describe('duplicateKeyErrors', () => {
  /** A map of `count` keys, the last one a repeat of the first. */
  function wide(count: number): string {
    const lines = Array.from({ length: count }, (_, i) => `KEY_${i}: value-${i}`);
    return [...lines, 'KEY_0: again'].join('\n');
  }

  it('is linear in the size of a map: 100,000 keys in well under the library’s time', () => {
    const text = wide(100_000);
    const started = performance.now();
    const doc = parseYamlDocument(text);
    const elapsed = performance.now() - started;
    expect(doc.errors.map((e) => e.message)).toEqual(['Map keys must be unique at line 100001, column 1']);
    // About 1 s here; the library's own check takes over a minute on this map (10 s at 40,000 keys).
    expect(elapsed).toBeLessThan(15_000);
  });

  it('walks a deep tree without recursion', () => {
    // Deeper than any stack allows for a recursive walk; built directly, as the parser would refuse it.
    let node: YAMLMap | YAMLSeq = new YAMLMap();
    node.items.push(new Pair(Object.assign(new Scalar('a'), { range: [7, 8, 8] }), new Scalar(1)));
    node.items.push(new Pair(Object.assign(new Scalar('a'), { range: [9, 10, 10] }), new Scalar(2)));
    for (let i = 0; i < 200_000; i++) {
      const outer: YAMLSeq = new YAMLSeq();
      outer.items.push(node);
      node = outer;
    }
    const doc = new Document(null) as unknown as Document.Parsed;
    doc.contents = node as unknown as Document.Parsed['contents'];
    expect(duplicateKeyErrors(doc).map((e) => [e.code, e.pos])).toEqual([['DUPLICATE_KEY', [9, 10]]]);
  });
});
