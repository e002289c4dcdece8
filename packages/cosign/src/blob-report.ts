import { code, plainStyle, type Markdown, type TextStyle } from '@release-actions/core';
import type { FileRecord, FileSigningReport } from './blob-sign.js';
import { signOutputs } from './report.js';
import type { SigningReport } from './signing.js';

/** One entry of the `file-bundles` output. */
export interface FileBundle {
  file: string;
  bundle: string;
  sha256: string;
  rekorLogIndex?: number;
  predicateType?: string;
}

export function fileBundles(report: FileSigningReport | undefined): FileBundle[] {
  return (report?.records ?? []).map((record) => ({
    file: record.file,
    bundle: record.bundle ?? '',
    sha256: record.sha256,
    ...(record.logIndex === undefined ? {} : { rekorLogIndex: record.logIndex }),
    ...(record.predicateType === undefined ? {} : { predicateType: record.predicateType }),
  }));
}

/**
 * The outputs of sign and attest when images, files or both were signed: `signed` holds when
 * every part was signed; bundles and Rekor entries list the images' first, then the files'
 * (in the order of file-bundles); digests stay the images' references.
 */
export function combinedOutputs(
  images: SigningReport | undefined,
  files: FileSigningReport | undefined,
): ReturnType<typeof signOutputs> & { 'file-bundles': FileBundle[] } {
  const base = signOutputs(images ?? { signed: true, mode: 'keyless', records: [] });
  const records = files?.records ?? [];
  return {
    ...base,
    signed: (images?.signed ?? true) && (files?.signed ?? true),
    bundles: [...base.bundles, ...records.map((record) => record.bundle ?? '')],
    'rekor-log-indexes': [...base['rekor-log-indexes'], ...records.map((record) => record.logIndex ?? null)],
    'rekor-urls': [...base['rekor-urls'], ...records.map((record) => record.rekorUrl ?? null)],
    'file-bundles': fileBundles(files),
  };
}

function logEntry(record: FileRecord): { text: string; url?: string } {
  if (record.logIndex !== undefined) {
    return {
      text: record.transparencyLog ? `${record.logIndex} in ${record.transparencyLog}` : `${record.logIndex}`,
      ...(record.rekorUrl ? { url: record.rekorUrl } : {}),
    };
  }
  return { text: record.alreadyLogged ? 'already in the log' : 'not logged' };
}

function what(record: FileRecord): string {
  return record.covers === undefined ? '' : ` (sums of ${record.covers.length} file(s))`;
}

/** The files' section of the job summary, after the images'. */
export function renderFileSummary(report: FileSigningReport | undefined, document: Markdown): Markdown {
  if (report === undefined) return document;
  document.heading('Files', 3);
  if (report.mode === 'skipped') return document.paragraph(report.skippedReason ?? 'Skipped.');
  const attest = report.records.some((r) => r.predicateType !== undefined);
  const headers = attest
    ? ['File', 'SHA-256', 'Type', 'Bundle', 'Rekor entry']
    : ['File', 'SHA-256', 'Bundle', 'Rekor entry'];
  const rows = report.records.map((record) => {
    const entry = logEntry(record);
    const cells = [`${code(baseName(record.file))}${what(record)}`, code(record.sha256)];
    if (attest) cells.push(code(record.predicateType ?? ''));
    cells.push(code(baseName(record.bundle ?? '')), entry.url ? `[${entry.text}](${entry.url})` : entry.text);
    return cells;
  });
  return document
    .paragraph(`${report.records.length} file(s) signed with cosign (${report.mode}).`)
    .table(headers, rows);
}

/** The base name: the full runner path says nothing a reader needs. */
function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

export function renderFileText(report: FileSigningReport | undefined, style: TextStyle = plainStyle): string {
  if (report === undefined) return '';
  if (report.mode === 'skipped') return `Files: ${style.yellow(report.skippedReason ?? 'Skipped.')}`;
  const lines = [
    `Files: ${style.green(`${report.records.length} file(s) signed with cosign (${report.mode}).`)}`,
  ];
  for (const record of report.records) {
    const entry = logEntry(record);
    const type = record.predicateType === undefined ? '' : `  ${record.predicateType}`;
    lines.push(
      `  ${record.file}${what(record)}  sha256:${record.sha256}${type}  bundle: ${record.bundle ?? ''}  Rekor entry: ${entry.text}${entry.url ? ` ${entry.url}` : ''}`,
    );
  }
  return lines.join('\n');
}
