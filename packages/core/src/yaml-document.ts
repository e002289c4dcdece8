import {
  Composer,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  Parser,
  YAMLParseError,
  type CST,
  type Document,
  type DocumentOptions,
  type ParseOptions,
  type Scalar,
  type SchemaOptions,
  type YAMLError,
} from 'yaml';

/**
 * YAML as users write it, parsed in time linear in its size and without exhausting the stack.
 *
 * The `yaml` library's duplicate-key check compares each new key with every earlier key of its map,
 * so a mapping of 100,000 keys (a 2 MB file anyone can commit) takes minutes to parse. Documents are
 * composed here with that check off (`uniqueKeys: false`), and the keys of each composed map are
 * then checked once against a Set, giving the error the library gives: same code, message and
 * position (the start of the repeated key).
 *
 * The library composes recursively; a few thousand nested brackets exhaust the stack, and on
 * Node 20 a second such file in one process aborts it (V8 fails while compiling a regular
 * expression near the stack limit). Nesting is therefore bounded on the token tree, before composing.
 *
 * Import this module only where YAML is read (dynamically on an action's path), so that `yaml`
 * stays out of what an action loads at start.
 */

/** Far deeper than any workflow, chart or config nests, and far from the library's stack limit (~800 here). */
export const MAX_NESTING = 128;

function isCstCollection(
  token: CST.Token | null | undefined,
): token is CST.BlockMap | CST.BlockSequence | CST.FlowCollection {
  return token?.type === 'block-map' || token?.type === 'block-seq' || token?.type === 'flow-collection';
}

/** The first collection nested deeper than MAX_NESTING in a token of the parser, as a parse error. */
export function nestingError(token: CST.Token): YAMLParseError | undefined {
  const root = token.type === 'document' ? token.value : token;
  if (!isCstCollection(root)) return undefined;
  // Collections only, with their depths alongside: this runs on every file the audit reads.
  const pending: (CST.BlockMap | CST.BlockSequence | CST.FlowCollection)[] = [root];
  const depths: number[] = [0];
  while (pending.length > 0) {
    const next = pending.pop()!;
    const depth = depths.pop()!;
    if (depth >= MAX_NESTING) {
      return new YAMLParseError(
        [next.offset, next.offset + 1],
        'RESOURCE_EXHAUSTION',
        `Mappings and sequences nest deeper than ${MAX_NESTING} levels, the most accepted`,
      );
    }
    for (const item of next.items) {
      if (isCstCollection(item.value)) {
        pending.push(item.value);
        depths.push(depth + 1);
      }
      if (isCstCollection(item.key)) {
        pending.push(item.key);
        depths.push(depth + 1);
      }
    }
  }
  return undefined;
}

const DUPLICATE_KEY = 'Map keys must be unique';
const UNEQUAL = Symbol('unequal to any other key');

/**
 * The library's equality for keys is `===` on scalar values (`a`, `"a"` and `'a'` are one key;
 * `1` and `"1"` are two). Under it NaN equals nothing, and objects (dates, binary) and the symbol
 * of each `<<` merge key equal no other key.
 */
function comparableValue(value: unknown): unknown {
  if (typeof value === 'number' && Number.isNaN(value)) return UNEQUAL;
  if (value !== null && (typeof value === 'object' || typeof value === 'function')) return UNEQUAL;
  if (typeof value === 'symbol') return UNEQUAL;
  return value;
}

/** Below this many keys a map is searched in place; a Set pays off only for larger maps. */
const SMALL_MAP = 16;

/** Every repeated key of the document, in document order; no alias is followed, so each node is seen once. */
export function duplicateKeyErrors(doc: Document.Parsed): YAMLParseError[] {
  const errors: YAMLParseError[] = [];
  // An explicit stack: the walk must not be what runs out of stack.
  const pending: unknown[] = [doc.contents];
  const keys: unknown[] = [];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isMap(node)) {
      const seen = node.items.length > SMALL_MAP ? new Set<unknown>() : undefined;
      keys.length = 0;
      for (const pair of node.items) {
        const key: unknown = pair.key;
        const value = isScalar(key) ? comparableValue(key.value) : UNEQUAL;
        if (value !== UNEQUAL) {
          if (seen ? seen.has(value) : keys.includes(value)) {
            const start = (key as Scalar).range?.[0] ?? 0;
            errors.push(new YAMLParseError([start, start + 1], 'DUPLICATE_KEY', DUPLICATE_KEY));
          } else if (seen) seen.add(value);
          else keys.push(value);
        }
        if (isCollection(key)) pending.push(key);
        if (isCollection(pair.value)) pending.push(pair.value);
      }
    } else if (isSeq(node)) {
      // Sequences hold nodes, or pairs in the YAML 1.1 !!omap and !!pairs.
      for (const item of node.items) {
        if (isPair(item)) pending.push(item.key, item.value);
        else if (isCollection(item)) pending.push(item);
      }
    }
  }
  return errors.sort((a, b) => a.pos[0] - b.pos[0]);
}

/**
 * The most aliases a document read into values may hold. Turning a document into values resolves
 * each alias by a scan of the anchors before it, quadratic in their number (20,000 anchors and
 * aliases: 7 s); the files read so (configs, ignore rules, a Chart.yaml) hold a few at most.
 */
export const MAX_ALIASES = 1000;

/** An error at the first alias beyond MAX_ALIASES, or undefined. */
export function aliasCountError(doc: Document.Parsed): YAMLParseError | undefined {
  let count = 0;
  const pending: unknown[] = [doc.contents];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isAlias(node) && ++count > MAX_ALIASES) {
      const start = node.range?.[0] ?? 0;
      return new YAMLParseError(
        [start, start + 1],
        'RESOURCE_EXHAUSTION',
        `More than ${MAX_ALIASES} aliases (*name), the most accepted`,
      );
    }
    if (isCollection(node)) {
      // Last item first, so that aliases are counted in document order.
      for (let i = node.items.length - 1; i >= 0; i--) {
        const item: unknown = node.items[i];
        if (isPair(item)) pending.push(item.value, item.key);
        else pending.push(item);
      }
    }
  }
  return undefined;
}

/** Inserts `added` (in document order) among `errors`, so that the first error is the first problem. */
function merged(errors: readonly YAMLError[], added: readonly YAMLError[]): YAMLError[] {
  const out: YAMLError[] = [];
  let next = 0;
  for (const error of errors) {
    while (next < added.length && added[next]!.pos[0] < error.pos[0]) out.push(added[next++]!);
    out.push(error);
  }
  return [...out, ...added.slice(next)];
}

/** Adds the duplicate-key errors to `doc.errors`, as the library's own check would have. */
export function checkUniqueKeys(doc: Document.Parsed): void {
  const duplicates = duplicateKeyErrors(doc);
  if (duplicates.length > 0) doc.errors = merged(doc.errors, duplicates) as YAMLParseError[];
}

/**
 * The position of an error, written as the first line of the library's `prettyErrors` message
 * (`… at line 3, column 5`). Our readers show that line only, so the source excerpt the library
 * adds below it is left out.
 */
function addPosition(error: YAMLError, lineCounter: LineCounter): void {
  if (error.pos[0] === -1) return;
  const start = lineCounter.linePos(error.pos[0]);
  error.linePos = [start, lineCounter.linePos(error.pos[1])];
  error.message += ` at line ${start.line}, column ${start.col}`;
}

export type YamlDocumentOptions = ParseOptions & DocumentOptions & SchemaOptions;

/**
 * `yaml.parseDocument`, with duplicate keys found in linear time, and nesting and aliases bounded:
 * the same document and the same errors, except that nesting beyond MAX_NESTING and more than
 * MAX_ALIASES aliases are errors (it is meant for documents read into values). The library's
 * warnings stay in `doc.warnings` instead of going to the process's warnings (`logLevel: 'error'`):
 * what a user's file holds is reported by its reader, in its own words.
 */
export function parseYamlDocument(text: string, given: YamlDocumentOptions = {}): Document.Parsed {
  const options: YamlDocumentOptions = { logLevel: 'error', ...given };
  const lineCounter = options.lineCounter ?? new LineCounter();
  let tooDeep: YAMLParseError | undefined;
  function* bounded(tokens: Iterable<CST.Token>): Generator<CST.Token> {
    for (const token of tokens) {
      tooDeep = nestingError(token);
      if (tooDeep) return;
      yield token;
    }
  }
  const composer = new Composer({ ...options, uniqueKeys: false });
  const tokens = bounded(new Parser(lineCounter.addNewLine).parse(text));
  let doc: Document.Parsed | undefined;
  // The composer always ends with a document (forceDoc), so `doc` is set after the loop.
  for (const next of composer.compose(tokens, true, text.length)) {
    if (!doc) doc = next;
    else if (doc.options.logLevel !== 'silent') {
      const multiple = 'Source contains multiple documents; please use YAML.parseAllDocuments()';
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', multiple));
      break;
    }
  }
  const parsed = doc!;
  checkUniqueKeys(parsed);
  const tooMany = tooDeep ? undefined : aliasCountError(parsed);
  const limits = [tooDeep, tooMany].filter((error) => error !== undefined);
  if (limits.length > 0) parsed.errors = merged(parsed.errors, limits) as YAMLParseError[];
  if (options.prettyErrors !== false) {
    for (const error of parsed.errors) addPosition(error, lineCounter);
    for (const warning of parsed.warnings) addPosition(warning, lineCounter);
  }
  return parsed;
}

/**
 * `yaml.parse`: the document's value, or its first error thrown (a `YAMLParseError`). Aliases
 * expand at most 100 times, the library's guard against alias bombs.
 */
export function parseYaml(text: string): unknown {
  const doc = parseYamlDocument(text);
  if (doc.errors.length > 0) throw doc.errors[0]!;
  return doc.toJS({ maxAliasCount: 100 });
}
