/**
 * Version order per ecosystem, enough to choose which fixed version of a package to suggest.
 * Debian and RPM versions have their own well-defined orders (dpkg's `verrevcmp`, rpm's
 * `rpmvercmp`), and getting them wrong is easy (`~` sorts before the end in both, `1.0~rc1` is
 * older than `1.0`; dpkg sorts letters before other characters). Everything else (semver, PEP 440,
 * Go, Maven, apk, binaries) is compared by a common reading of those schemes: runs of digits as
 * numbers, a known pre-release word (alpha, beta, rc, …) before the release it precedes, anything
 * else after it (`-r1`, `.post1`, `p1`).
 */

export type Compare = (a: string, b: string) => number;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isAlpha = (c: string | undefined): boolean =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));

/** Two runs of digits as numbers, without Number's precision limit (dates and build numbers are long). */
function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** dpkg's character order: `~` first, then the end of the part and digits, letters, everything else. */
function dpkgOrder(c: string | undefined): number {
  if (c === undefined || isDigit(c)) return 0;
  if (isAlpha(c)) return c.charCodeAt(0);
  if (c === '~') return -1;
  return c.charCodeAt(0) + 256;
}

/** dpkg's `verrevcmp`: alternating non-digit and digit runs. */
function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const diff = dpkgOrder(a[i]) - dpkgOrder(b[j]);
      if (diff !== 0) return diff;
      i++;
      j++;
    }
    const si = i;
    const sj = j;
    while (isDigit(a[i])) i++;
    while (isDigit(b[j])) j++;
    const diff = compareDigits(a.slice(si, i), b.slice(sj, j));
    if (diff !== 0) return diff;
  }
  return 0;
}

/** `[epoch:]version[-release]`, the shape dpkg and rpm share; the release is undefined when absent. */
function splitEpochRelease(version: string): [number, string, string | undefined] {
  const colon = version.indexOf(':');
  const epoch = colon > 0 && /^\d+$/.test(version.slice(0, colon)) ? Number(version.slice(0, colon)) : 0;
  const rest = colon > 0 ? version.slice(colon + 1) : version;
  const dash = rest.lastIndexOf('-');
  return dash >= 0 ? [epoch, rest.slice(0, dash), rest.slice(dash + 1)] : [epoch, rest, undefined];
}

function splitDebian(version: string): [number, string, string] {
  const [epoch, upstream, revision] = splitEpochRelease(version);
  return [epoch, upstream, revision ?? ''];
}

/** Debian package versions: `[epoch:]upstream[-revision]` (deb-version(7)). */
export function compareDebian(a: string, b: string): number {
  const [ea, ua, ra] = splitDebian(a.trim());
  const [eb, ub, rb] = splitDebian(b.trim());
  return Math.sign(ea - eb || verrevcmp(ua, ub) || verrevcmp(ra, rb));
}

/** rpm's `rpmvercmp`: alphanumeric segments, `~` before anything, `^` after the end only. */
function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  const separator = (c: string | undefined) =>
    c !== undefined && !isDigit(c) && !isAlpha(c) && c !== '~' && c !== '^';
  while (i < a.length || j < b.length) {
    while (separator(a[i])) i++;
    while (separator(b[j])) j++;
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;
    const si = i;
    const sj = j;
    const numeric = isDigit(a[i]);
    const run = numeric ? isDigit : isAlpha;
    while (run(a[i])) i++;
    while (run(b[j])) j++;
    const x = a.slice(si, i);
    const y = b.slice(sj, j);
    // A number is newer than letters in the same place.
    if (y === '') return numeric ? 1 : -1;
    const diff = numeric ? compareDigits(x, y) : x < y ? -1 : x > y ? 1 : 0;
    if (diff !== 0) return diff;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

/** RPM versions: `[epoch:]version[-release]`; a release is compared only when both sides have one. */
export function compareRpm(a: string, b: string): number {
  const [ea, va, ra] = splitEpochRelease(a.trim());
  const [eb, vb, rb] = splitEpochRelease(b.trim());
  const release = ra !== undefined && rb !== undefined ? rpmvercmp(ra, rb) : 0;
  return Math.sign(ea - eb || rpmvercmp(va, vb) || release);
}

/** Pre-release words, oldest first; each sorts before the release it precedes (`1.0rc1` < `1.0`). */
const PRE_RELEASE: readonly string[][] = [
  ['dev', 'snapshot', 'nightly', 'canary'],
  ['alpha', 'a'],
  ['beta', 'b'],
  ['m', 'milestone'],
  ['rc', 'c', 'cr', 'pre', 'preview'],
];

function preRank(word: string): number {
  const lower = word.toLowerCase();
  return PRE_RELEASE.findIndex((words) => words.includes(lower));
}

type Token = string;

function tokens(version: string): Token[] {
  return (
    version
      .trim()
      .replace(/^v(?=\d)/i, '')
      .match(/\d+|[A-Za-z]+/g) ?? []
  );
}

/** A token after the end of the other version: a pre-release word makes the version older. */
function afterEnd(token: Token): number {
  return !isDigit(token[0]) && preRank(token) >= 0 ? -1 : 1;
}

function compareTokens(x: Token, y: Token): number {
  const xNum = isDigit(x[0]);
  const yNum = isDigit(y[0]);
  if (xNum && yNum) return compareDigits(x, y);
  // A number against a word: a pre-release word is older, any other word newer.
  if (xNum) return -afterEnd(y);
  if (yNum) return afterEnd(x);
  const rx = preRank(x);
  const ry = preRank(y);
  if (rx >= 0 || ry >= 0) {
    if (rx < 0) return 1;
    if (ry < 0) return -1;
    return rx - ry;
  }
  const lx = x.toLowerCase();
  const ly = y.toLowerCase();
  return lx < ly ? -1 : lx > ly ? 1 : 0;
}

/** semver, PEP 440, Go, Maven, apk and the rest, by the common reading described above. */
export function compareGeneric(a: string, b: string): number {
  const ta = tokens(a);
  const tb = tokens(b);
  for (let k = 0; k < Math.max(ta.length, tb.length); k++) {
    if (k >= ta.length) return -afterEnd(tb[k]!);
    if (k >= tb.length) return afterEnd(ta[k]!);
    const diff = compareTokens(ta[k]!, tb[k]!);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

/** The order for a package of grype's artifact type (`deb`, `rpm`, `apk`, `npm`, `python`, …). */
export function versionOrder(type: string | undefined): Compare {
  if (type === 'deb') return compareDebian;
  if (type === 'rpm') return compareRpm;
  return compareGeneric;
}
