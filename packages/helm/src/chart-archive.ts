import { OperationalError } from '@release-actions/core';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { HelmErrorCode } from './errors.js';

/**
 * The files of a packaged Helm chart (`<name>-<version>.tgz`), read in memory: regular files by
 * path, without modes, owners or mtimes. That is the chart's content: `helm package` writes each
 * file's modification time into the archive, so the same sources checked out twice package into
 * different bytes; two charts are the same when these maps are equal, whatever the archive bytes.
 */
export type ChartFiles = Map<string, Buffer>;

/** helm itself refuses charts that decompress to more than 100 MiB (MaxDecompressedChartSize). */
export const MAX_CHART_BYTES = 100 * 1024 * 1024;

function invalid(message: string): OperationalError<HelmErrorCode> {
  return new OperationalError<HelmErrorCode>(message, { code: 'CHART_INVALID' });
}

function text(block: Buffer, start: number, length: number): string {
  const raw = block.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? raw.length : end).toString('utf8');
}

function octal(block: Buffer, start: number, length: number, what: string): number {
  const value = text(block, start, length).trim();
  if (!/^[0-7]*$/.test(value)) throw invalid(`${what}: a tar header has a bad size field.`);
  return value === '' ? 0 : parseInt(value, 8);
}

/** PAX extended header records: `<length> <key>=<value>\n`. */
function paxPath(data: Buffer): string | undefined {
  let offset = 0;
  let found: string | undefined;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space === -1) break;
    const length = Number(data.subarray(offset, space).toString('ascii'));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = data.subarray(space + 1, offset + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (record.slice(0, equals) === 'path') found = record.slice(equals + 1);
    offset += length;
  }
  return found;
}

/** Reads the regular files of a gzip'd tar; `what` names the archive in errors. */
export function readChartArchive(archive: Buffer, what: string): ChartFiles {
  let tar: Buffer;
  try {
    tar = gunzipSync(archive, { maxOutputLength: MAX_CHART_BYTES });
  } catch (error) {
    throw invalid(`${what} is not a gzip'd chart archive: ${(error as Error).message}`);
  }
  const files: ChartFiles = new Map();
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const size = octal(header, 124, 12, what);
    const type = String.fromCharCode(header[156] ?? 0);
    const dataStart = offset + 512;
    const data = tar.subarray(dataStart, dataStart + size);
    if (data.length !== size) throw invalid(`${what} is truncated.`);
    offset = dataStart + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      longName = paxPath(data) ?? longName;
      continue;
    }
    if (type === 'L') {
      longName = text(data, 0, data.length);
      continue;
    }
    if (type === 'g') continue;
    const prefix = header.subarray(257, 262).toString('ascii') === 'ustar' ? text(header, 345, 155) : '';
    const name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    longName = undefined;
    if (type === '0' || type === '\0') files.set(name.replace(/^\.\//, ''), Buffer.from(data));
  }
  if (files.size === 0) throw invalid(`${what} holds no files.`);
  return files;
}

/** The chart's Chart.yaml: the one at `<chart name>/Chart.yaml`, the archive's top directory. */
export function chartYamlOf(files: ChartFiles, what: string): string {
  const entries = [...files.keys()].filter((name) => /^[^/]+\/Chart\.yaml$/.test(name));
  if (entries.length !== 1) throw invalid(`${what} has no <chart>/Chart.yaml; it is not a Helm chart.`);
  return files.get(entries[0]!)!.toString('utf8');
}

/** The paths whose bytes differ (or that only one side has), sorted; empty when the charts are the same. */
export function differingFiles(a: ChartFiles, b: ChartFiles): string[] {
  const names = new Set([...a.keys(), ...b.keys()]);
  return [...names]
    .filter((name) => {
      const left = a.get(name);
      const right = b.get(name);
      return left === undefined || right === undefined || !left.equals(right);
    })
    .sort();
}

export function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
