/**
 * Path patterns for the config file's `ignore:` entries: `*` within a segment, `**` across segments.
 * Node 20 has no path.matchesGlob, and this is all the config needs.
 */
export function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

export function matchesPath(pattern: string, file: string): boolean {
  const normalized = file.replace(/\\/g, '/').replace(/^\.\//, '');
  const clean = pattern.replace(/^\.\//, '').replace(/\/$/, '/**');
  return globToRegExp(clean).test(normalized);
}
