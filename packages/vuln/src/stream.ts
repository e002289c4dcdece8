import { OperationalError } from '@release-actions/core';
import { open } from 'node:fs/promises';
import type { VulnErrorCode } from './errors.js';
import type { GrypeCvss, GrypeMatch, GrypeReport, GrypeVulnerability } from './grype-report.js';

/**
 * Reads a grype JSON report one match at a time. A parse of the whole document holds the full
 * object graph of every match (CPEs, metadata, layers, match details) at once: for a large image
 * that is several times the file's size in memory. Here each element of the top-level `matches`
 * list is cut out of the byte stream, parsed on its own with JSON.parse and reduced to the fields
 * the gate, the SARIF and the summary use. Everything else (source, distro, descriptor) is parsed
 * as one small skeleton document in which every match stands as `0`, which also checks the
 * syntax around the matches. No streaming JSON library fits: the ones on npm tokenise in
 * JavaScript and are several times slower than JSON.parse, which is what the gate is measured
 * against.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

const CHUNK = 4 * 1024 * 1024;

function bestScores(list: GrypeCvss[] | null | undefined): GrypeCvss[] {
  const out: GrypeCvss[] = [];
  // The report is the user's file: a field of the wrong type is read as absent, never iterated.
  if (!Array.isArray(list)) return out;
  for (const entry of list) {
    const score = entry?.metrics?.baseScore;
    if (typeof score === 'number') out.push({ version: entry.version, metrics: { baseScore: score } });
  }
  return out;
}

function firstHttpUrl(urls: unknown): string[] {
  if (!Array.isArray(urls)) return [];
  const url = urls.find((u): u is string => typeof u === 'string' && /^https?:\/\//.test(u));
  return url ? [url] : [];
}

/** The parts of one match that we use; the rest is dropped as soon as it is parsed. */
export function projectMatch(raw: unknown, index: number, file: string): GrypeMatch {
  const match = raw as Partial<GrypeMatch> | null;
  const vulnerability = match?.vulnerability;
  const artifact = match?.artifact;
  if (
    typeof vulnerability?.id !== 'string' ||
    typeof artifact?.name !== 'string' ||
    artifact.version === undefined
  ) {
    throw new OperationalError<VulnErrorCode>(
      `grype report ${file}: match ${index + 1} lacks vulnerability.id or artifact.name/version.`,
      { code: 'REPORT_INVALID' },
    );
  }
  const related = Array.isArray(match!.relatedVulnerabilities) ? match!.relatedVulnerabilities : [];
  const description =
    vulnerability.description || related.find((r: GrypeVulnerability | null) => r?.description)?.description;
  const location = Array.isArray(artifact.locations)
    ? artifact.locations.find((l) => l?.path || l?.accessPath)
    : undefined;
  return {
    vulnerability: {
      id: vulnerability.id,
      severity: vulnerability.severity,
      dataSource: vulnerability.dataSource,
      urls: firstHttpUrl(vulnerability.urls),
      ...(description ? { description } : {}),
      cvss: bestScores(vulnerability.cvss),
      fix: {
        versions: Array.isArray(vulnerability.fix?.versions) ? vulnerability.fix.versions : [],
        state: vulnerability.fix?.state ?? '',
      },
    },
    relatedVulnerabilities: related
      .filter((r: GrypeVulnerability | null): r is GrypeVulnerability => typeof r?.id === 'string')
      .map((r: GrypeVulnerability) => ({ id: r.id, cvss: bestScores(r.cvss) })),
    artifact: {
      name: artifact.name,
      version: artifact.version,
      ...(artifact.type !== undefined ? { type: artifact.type } : {}),
      ...(artifact.purl ? { purl: artifact.purl } : {}),
      locations: location ? [{ path: location.path, accessPath: location.accessPath }] : [],
    },
  };
}

/** Scanner state that survives from one chunk of the file to the next. */
interface ScanState {
  /** Open containers, outermost first (LBRACE or LBRACKET). */
  stack: number[];
  /** The last string seen directly in the top-level object: the key of the value that follows. */
  lastKey: string | undefined;
  /** The key of the top-level array being read. */
  arrayKey: string | undefined;
  skeleton: string[];
  matches: GrypeMatch[];
  placeholders: number;
  file: string;
}

function notJson(file: string, detail: string): OperationalError {
  return new OperationalError<VulnErrorCode>(`grype report ${file} is not JSON: ${detail}`, {
    code: 'REPORT_INVALID',
  });
}

/** Byte classes: only quotes and brackets matter to the scanner; everything else is skipped. */
const OTHER = 0;
const STRING = 1;
const OPEN = 2;
const CLOSE = 3;
const CLASS = new Uint8Array(256);
CLASS[QUOTE] = STRING;
CLASS[LBRACE] = OPEN;
CLASS[LBRACKET] = OPEN;
CLASS[RBRACE] = CLOSE;
CLASS[RBRACKET] = CLOSE;

/** The index of the quote that ends the string opened at `start`, or -1 when `buf` ends first. */
function stringEnd(buf: Buffer, start: number): number {
  const length = buf.length;
  // Most strings (keys, versions, ids) are short: a loop beats a native call for them.
  let i = start + 1;
  const shortEnd = Math.min(length, start + 48);
  for (; i < shortEnd; i++) {
    const c = buf[i]!;
    if (c === QUOTE) return i;
    if (c === BACKSLASH) i++;
  }
  if (i >= length) return -1;
  for (;;) {
    const q = buf.indexOf(QUOTE, i);
    if (q === -1) return -1;
    let backslashes = 0;
    for (let k = q - 1; k > start && buf[k] === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return q;
    i = q + 1;
  }
}

/**
 * Scans `buf` from its start; returns where the unfinished tail begins (a string or a match cut
 * by the chunk boundary), which is scanned again with the next chunk in front.
 */
function scan(buf: Buffer, state: ScanState): number {
  const { stack } = state;
  let skeletonFrom = 0;
  let elementStart = -1;
  const length = buf.length;
  for (let i = 0; i < length; i++) {
    const kind = CLASS[buf[i]!]!;
    if (kind === OTHER) continue;
    if (kind === STRING) {
      const end = stringEnd(buf, i);
      if (end === -1) {
        // The string goes on in the next chunk.
        const stop = elementStart !== -1 ? elementStart : i;
        if (elementStart !== -1) stack.length = 2;
        state.skeleton.push(buf.toString('utf8', skeletonFrom, stop));
        return stop;
      }
      if (stack.length === 1) {
        try {
          state.lastKey = JSON.parse(buf.toString('utf8', i, end + 1)) as string;
        } catch {
          state.lastKey = undefined;
        }
      }
      i = end;
    } else if (kind === OPEN) {
      const c = buf[i]!;
      if (stack.length === 1 && c === LBRACKET) state.arrayKey = state.lastKey;
      stack.push(c);
      if (stack.length === 3 && stack[0] === LBRACE && stack[1] === LBRACKET) elementStart = i;
    } else {
      const c = buf[i]!;
      const open = stack.pop();
      if (open !== (c === RBRACE ? LBRACE : LBRACKET)) {
        throw notJson(state.file, `unexpected "${String.fromCharCode(c)}" in the document.`);
      }
      if (stack.length === 2 && elementStart !== -1) {
        if (state.arrayKey === 'matches') {
          let parsed: unknown;
          try {
            parsed = JSON.parse(buf.toString('utf8', elementStart, i + 1));
          } catch (error) {
            throw notJson(state.file, `match ${state.matches.length + 1}: ${(error as Error).message}`);
          }
          state.matches.push(projectMatch(parsed, state.matches.length, state.file));
        }
        state.skeleton.push(buf.toString('utf8', skeletonFrom, elementStart), '0');
        state.placeholders++;
        skeletonFrom = i + 1;
        elementStart = -1;
      }
    }
  }
  if (elementStart !== -1) {
    stack.length = 2;
    state.skeleton.push(buf.toString('utf8', skeletonFrom, elementStart));
    return elementStart;
  }
  state.skeleton.push(buf.toString('utf8', skeletonFrom, length));
  return length;
}

async function* chunks(file: string): AsyncGenerator<Buffer> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'EISDIR' ? 'it is a directory' : code;
    throw new OperationalError<VulnErrorCode>(
      `cannot read grype report ${file}: ${why ?? (error as Error).message}`,
      { code: 'REPORT_INVALID' },
    );
  }
  try {
    for (;;) {
      const buffer = Buffer.allocUnsafe(CHUNK);
      let read;
      try {
        ({ bytesRead: read } = await handle.read(buffer, 0, CHUNK, null));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new OperationalError<VulnErrorCode>(
          `cannot read grype report ${file}: ${code === 'EISDIR' ? 'it is a directory' : (code ?? (error as Error).message)}`,
          { code: 'REPORT_INVALID' },
        );
      }
      if (read === 0) return;
      yield read < CHUNK ? buffer.subarray(0, read) : buffer;
    }
  } finally {
    await handle.close();
  }
}

/** Reads a report from an async sequence of byte chunks; `file` names it in errors. */
export async function readReportChunks(
  source: AsyncIterable<Buffer> | Iterable<Buffer>,
  file: string,
): Promise<GrypeReport> {
  const state: ScanState = {
    stack: [],
    lastKey: undefined,
    arrayKey: undefined,
    skeleton: [],
    matches: [],
    placeholders: 0,
    file,
  };
  let carry: Buffer = Buffer.alloc(0);
  let sawContent = false;
  for await (const chunk of source) {
    const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    if (!sawContent && /\S/.test(buf.toString('latin1', 0, Math.min(buf.length, 4096)))) sawContent = true;
    const stop = scan(buf, state);
    // Copied, so that the chunk it points into can be collected.
    carry = stop < buf.length ? Buffer.from(buf.subarray(stop)) : Buffer.alloc(0);
  }
  if (!sawContent)
    throw new OperationalError<VulnErrorCode>(`grype report ${file} is empty.`, { code: 'REPORT_INVALID' });
  if (carry.length > 0 || state.stack.length !== 0)
    throw notJson(file, 'the document ends too early (truncated?).');
  let skeleton: unknown;
  try {
    skeleton = JSON.parse(state.skeleton.join(''));
  } catch (error) {
    throw notJson(file, (error as Error).message);
  }
  if (typeof skeleton !== 'object' || skeleton === null || Array.isArray(skeleton)) {
    throw new OperationalError<VulnErrorCode>(
      `grype report ${file} is not a grype JSON report (expected an object).`,
      { code: 'REPORT_INVALID' },
    );
  }
  const report = skeleton as Partial<GrypeReport> & { matches?: unknown };
  if (!Array.isArray(report.matches)) {
    throw new OperationalError<VulnErrorCode>(
      `grype report ${file} is not a grype JSON report (no "matches" list); was it written with -o json?`,
      { code: 'REPORT_INVALID' },
    );
  }
  if (report.matches.length !== state.matches.length) {
    // An element of `matches` that is not an object stayed in the skeleton as itself.
    const index = (report.matches as unknown[]).findIndex((m) => m !== 0);
    throw new OperationalError<VulnErrorCode>(
      `grype report ${file}: match ${index + 1} lacks vulnerability.id or artifact.name/version.`,
      { code: 'REPORT_INVALID' },
    );
  }
  return { ...(report as GrypeReport), matches: state.matches };
}

export async function readReportFile(file: string): Promise<GrypeReport> {
  return readReportChunks(chunks(file), file);
}
