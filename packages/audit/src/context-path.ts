/** Stands for any key or array element: `.*`, `[0]`, or an index computed at run time. */
export const ANY = '*';

/** One step of a context path: its key lower-cased (property names are case-insensitive), or ANY. */
export interface Segment {
  key: string;
  /** As it reads in a dotted path: `.title`, `[0]`, `.*`, `['a b']`, `[…]`. */
  text: string;
}

/** A read of a context (`github.event.issue.title`, `steps.meta.outputs['tag']`) as the parser sees it. */
export interface ContextPath {
  /** The context's name, lower-cased. */
  root: string;
  segments: Segment[];
  /** The path as written, with string indexes in dotted form. */
  text: string;
}

export function contextPath(name: string): ContextPath {
  return { root: name.toLowerCase(), segments: [], text: name };
}

export function extendPath(path: ContextPath, segment: Segment): ContextPath {
  return { root: path.root, segments: [...path.segments, segment], text: path.text + segment.text };
}

export function nameSegment(name: string): Segment {
  const text = /^[A-Za-z_][\w-]*$/.test(name) ? `.${name}` : `['${name.replace(/'/g, "''")}']`;
  return { key: name.toLowerCase(), text };
}

/** A pattern's keys as written in a dotted path (`github.event.commits.*.message`), lower-case. */
export function patternKeys(pattern: string): string[] {
  return pattern.split('.');
}

/**
 * Whether a path and a pattern can name the same value or one holds the other: they agree on every
 * key both have, ANY matching any key. A longer path is a part of an untrusted value (still
 * untrusted); a shorter one is an object holding it (untrusted once serialised: toJSON, join, or
 * expanded directly).
 */
export function overlaps(keys: readonly string[], pattern: readonly string[]): boolean {
  const shared = Math.min(keys.length, pattern.length);
  for (let i = 0; i < shared; i++) {
    const key = keys[i]!;
    const want = pattern[i]!;
    if (key !== ANY && want !== ANY && key !== want) return false;
  }
  return true;
}

/** The path's keys from the root on: `['github', 'event', 'issue', 'title']`. */
export function keysOf(path: ContextPath): string[] {
  return [path.root, ...path.segments.map((s) => s.key)];
}
