import {
  Composer,
  isAlias,
  visit,
  type Alias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  Parser,
  type Document,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import type { CST } from 'yaml';
import { checkUniqueKeys, nestingError } from '@release-actions/core/yaml-document';
import { YamlSyntaxError } from './errors.js';

/** One parsed YAML file with what the rules need: the node tree, positions, and the comments by line. */
export interface SourceFile {
  file: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** Suppression-relevant comments: text after `#` by 1-based line (collected only when a suppression marker occurs). */
  comments: Map<number, string>;
  /** 1-based column of the `#` of each line's comment. */
  commentColumns: Map<number, number>;
  /** Lines holding nothing but a comment. */
  commentOnlyLines: Set<number>;
}

export interface Position {
  line: number;
  column: number;
}

/**
 * Parses with the CST parser and composes the document from the same tokens, so comments come from
 * the token stream (exact offsets) without a second pass over the text.
 */
export function parseSource(file: string, text: string): SourceFile | undefined {
  const lineCounter = new LineCounter();
  // Comments matter for suppressions only (version comments are read from the line itself), so
  // the token tree is walked only when the text holds one; tokens are streamed to the composer.
  const wanted = SUPPRESSION_HINT.test(text);
  const found: [number, string][] = [];
  function* tap(tokens: Iterable<CST.Token>): Generator<CST.Token> {
    for (const token of tokens) {
      // Bounded before the recursive composer (and collectComments) see the token.
      const tooDeep = nestingError(token);
      if (tooDeep) {
        const at = lineCounter.linePos(tooDeep.pos[0]);
        throw new YamlSyntaxError(tooDeep.message, at.line, at.col);
      }
      if (wanted) collectComments(token, (offset, source) => found.push([offset, source]));
      yield token;
    }
  }
  const docs = Array.from(
    // The library's own duplicate-key check is quadratic in a map's size; checkUniqueKeys is linear.
    new Composer({ prettyErrors: false, uniqueKeys: false }).compose(
      tap(new Parser(lineCounter.addNewLine).parse(text)),
      true,
      text.length,
    ),
  );
  for (const doc of docs) {
    checkUniqueKeys(doc);
    const error = doc.errors[0];
    if (error) {
      const at = lineCounter.linePos(error.pos[0]);
      throw new YamlSyntaxError(firstLine(error.message), at.line, at.col);
    }
  }
  if (docs.length > 1) {
    const at = lineCounter.linePos(docs[1]!.range[0]);
    throw new YamlSyntaxError(
      `holds ${docs.length} YAML documents; a workflow or action file has one`,
      at.line,
      at.col,
    );
  }
  const doc = docs[0];
  if (!doc || doc.contents === null) return undefined;

  const comments = new Map<number, string>();
  const commentColumns = new Map<number, number>();
  const commentOnlyLines = new Set<number>();
  const starts = lineCounter.lineStarts;
  for (const [offset, source] of found) {
    const at = lineCounter.linePos(offset);
    comments.set(at.line, source.replace(/^#/, ''));
    commentColumns.set(at.line, at.col);
    const lineStart = starts[at.line - 1] ?? 0;
    if (text.slice(lineStart, offset).trim() === '') commentOnlyLines.add(at.line);
  }
  return { file, text, doc, lineCounter, comments, commentColumns, commentOnlyLines };
}

const SUPPRESSION_HINT = /(release-actions|zizmor):\s*ignore\[/;

/** The comment after a scalar on its own line (`uses: x@sha # v1.2.3` → " v1.2.3"). */
export function trailingComment(source: SourceFile, node: Node): string | undefined {
  if (!node.range) return undefined;
  const end = node.range[1];
  const lineEnd = source.text.indexOf('\n', end);
  const rest = source.text.slice(end, lineEnd < 0 ? undefined : lineEnd);
  return /^[ \t]+#(.*?)\r?$/.exec(rest)?.[1];
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

type CommentSink = (offset: number, source: string) => void;

function scanTokens(tokens: readonly CST.Token[] | undefined, add: CommentSink): void {
  if (!tokens) return;
  for (const token of tokens) if (token.type === 'comment') add(token.offset, token.source);
}

/** Comments sit in the start/sep/end token lists of the CST nodes; walk only those. */
function collectComments(token: CST.Token | undefined, add: CommentSink): void {
  if (!token) return;
  switch (token.type) {
    case 'comment':
      add(token.offset, token.source);
      return;
    case 'document':
      scanTokens(token.start, add);
      collectComments(token.value, add);
      scanTokens(token.end, add);
      return;
    case 'doc-end':
      scanTokens(token.end, add);
      return;
    case 'block-map':
    case 'block-seq':
      for (const item of token.items) {
        scanTokens(item.start, add);
        collectComments(item.key ?? undefined, add);
        scanTokens(item.sep, add);
        collectComments(item.value, add);
      }
      return;
    case 'flow-collection':
      scanTokens([token.start], add);
      for (const item of token.items) {
        scanTokens(item.start, add);
        collectComments(item.key ?? undefined, add);
        scanTokens(item.sep, add);
        collectComments(item.value, add);
      }
      scanTokens(token.end, add);
      return;
    case 'block-scalar':
      scanTokens(token.props, add);
      return;
    case 'alias':
    case 'scalar':
    case 'single-quoted-scalar':
    case 'double-quoted-scalar':
      scanTokens(token.end, add);
      return;
    default:
      return;
  }
}

export function position(source: SourceFile, node: Node | Pair | null | undefined): Position {
  const offset = node && 'range' in node && node.range ? node.range[0] : undefined;
  if (offset === undefined) return { line: 1, column: 1 };
  const at = source.lineCounter.linePos(offset);
  return { line: at.line, column: at.col };
}

export function positionAt(source: SourceFile, offset: number): Position {
  const at = source.lineCounter.linePos(offset);
  return { line: at.line, column: at.col };
}

/**
 * The node each alias of a document refers to: the last node before it (in the library's visiting
 * order) with its anchor. The library's `Alias.resolve` visits the whole document on every call, so
 * a file of many aliases would take time quadratic in its size; this index takes one visit.
 */
const aliasTargets = new WeakMap<Document.Parsed, Map<Alias, Node | undefined>>();

function indexAliases(doc: Document.Parsed): Map<Alias, Node | undefined> {
  const targets = new Map<Alias, Node | undefined>();
  const anchored = new Map<string, Node>();
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) targets.set(node, anchored.get(node.source));
      else if (node.anchor) anchored.set(node.anchor, node);
    },
  });
  return targets;
}

/** Follows an alias to its anchored node (YAML anchors are allowed in workflows). */
export function deref(source: SourceFile, node: unknown): Node | undefined {
  if (isAlias(node)) {
    let targets = aliasTargets.get(source.doc);
    if (!targets) aliasTargets.set(source.doc, (targets = indexAliases(source.doc)));
    // An alias added since the index was built (a fix) is resolved by the library.
    const target = targets.has(node) ? targets.get(node) : node.resolve(source.doc);
    return target ?? undefined;
  }
  if (isScalar(node) || isMap(node) || isSeq(node)) return node;
  return undefined;
}

export function asMap(source: SourceFile, node: unknown): YAMLMap | undefined {
  const target = deref(source, node);
  return isMap(target) ? target : undefined;
}

export function asSeq(source: SourceFile, node: unknown): YAMLSeq | undefined {
  const target = deref(source, node);
  return isSeq(target) ? target : undefined;
}

export function asScalar(source: SourceFile, node: unknown): Scalar | undefined {
  const target = deref(source, node);
  return isScalar(target) ? target : undefined;
}

/** The scalar's value as text (numbers and booleans as written in YAML 1.2 form). */
export function scalarText(scalar: Scalar | undefined): string | undefined {
  if (!scalar) return undefined;
  const value = scalar.value;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export interface Entry {
  pair: Pair;
  key: Scalar;
  value: unknown;
}

export function entries(source: SourceFile, map: YAMLMap | undefined): Entry[] {
  if (!map) return [];
  const out: Entry[] = [];
  for (const pair of map.items) {
    if (!isPair(pair)) continue;
    const key = asScalar(source, pair.key);
    if (key === undefined || scalarText(key) === undefined) continue;
    out.push({ pair, key, value: pair.value });
  }
  return out;
}

export function entry(source: SourceFile, map: YAMLMap | undefined, name: string): Entry | undefined {
  // The rules look up a few names in every map: stop at the match instead of listing every entry.
  if (!map) return undefined;
  for (const pair of map.items) {
    if (!isPair(pair)) continue;
    const key = asScalar(source, pair.key);
    if (key !== undefined && scalarText(key) === name) return { pair, key, value: pair.value };
  }
  return undefined;
}

export function text(source: SourceFile, map: YAMLMap | undefined, name: string): string | undefined {
  return scalarText(asScalar(source, entry(source, map, name)?.value));
}

/** The source text of a node, as written (expressions appear verbatim in plain and block scalars). */
export function rawText(source: SourceFile, node: Node): { text: string; offset: number } | undefined {
  if (!node.range) return undefined;
  return { text: source.text.slice(node.range[0], node.range[1]), offset: node.range[0] };
}
