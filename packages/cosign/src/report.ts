import { code, plainStyle, type Markdown, type TextStyle } from '@release-actions/core';
import type { SigningRecord, SigningReport } from './signing.js';

/** The rows of the summary table: subject, digest, (predicate type,) transparency-log entry. */
export interface SigningTable {
  headers: string[];
  rows: string[][];
}

/** Where the transparency log holds a record's entry, in words, and its public page when it has one. */
function logEntry(record: SigningRecord): { text: string; url?: string } {
  if (record.logIndex !== undefined && record.rekorUrl) {
    return { text: `${record.logIndex}`, url: record.rekorUrl };
  }
  if (record.logIndex !== undefined) {
    return {
      text: record.transparencyLog ? `${record.logIndex} in ${record.transparencyLog}` : `${record.logIndex}`,
    };
  }
  return { text: record.alreadyLogged ? 'already in the log' : 'not logged' };
}

function subjectRole(record: SigningRecord): string {
  return record.platform ? record.platform : record.role === 'index' ? 'index' : 'image';
}

function isAttestation(report: SigningReport): boolean {
  return report.records.some((record) => record.predicateType !== undefined);
}

/** One line about the whole run: how many digests or attestations, and how they were signed. */
function headline(report: SigningReport): string {
  const logged = report.records.some((record) => record.logIndex !== undefined || record.alreadyLogged);
  const how =
    report.mode === 'keyless'
      ? 'keyless: Fulcio certificate, Rekor entry'
      : logged
        ? 'key-based'
        : 'key-based, no transparency-log entry';
  return `${report.records.length} ${isAttestation(report) ? 'attestation(s)' : 'digest(s)'} signed with cosign (${how}).`;
}

export function signingTable(report: SigningReport): SigningTable {
  const attest = isAttestation(report);
  const headers = attest ? ['Subject', 'Digest', 'Type', 'Rekor entry'] : ['Image', 'Digest', 'Rekor entry'];
  const rows = report.records.map((record) => {
    const entry = logEntry(record);
    const cells = [`${code(record.repository)} (${subjectRole(record)})`, code(record.digest)];
    if (attest) cells.push(code(record.predicateType ?? ''));
    cells.push(entry.url ? `[${entry.text}](${entry.url})` : entry.text);
    return cells;
  });
  return { headers, rows };
}

function renderSummary(report: SigningReport, document: Markdown, title: string): Markdown {
  document.heading(title);
  if (report.mode === 'skipped') return document.paragraph(report.skippedReason ?? 'Skipped.');
  const table = signingTable(report);
  return document.paragraph(headline(report)).table(table.headers, table.rows);
}

/** The same report as text for the command line; the first line is the verdict (signed or skipped). */
function renderText(report: SigningReport, title: string, style: TextStyle): string {
  if (report.mode === 'skipped') return `${title}: ${style.yellow(report.skippedReason ?? 'Skipped.')}`;
  const lines = [`${title}: ${style.green(headline(report))}`];
  for (const record of report.records) {
    const entry = logEntry(record);
    const type = record.predicateType === undefined ? '' : `  ${record.predicateType}`;
    lines.push(
      `  ${record.repository} (${subjectRole(record)})  ${record.digest}${type}  Rekor entry: ${entry.text}${entry.url ? ` ${entry.url}` : ''}`,
    );
  }
  return lines.join('\n');
}

export function renderSignSummary(report: SigningReport, document: Markdown): Markdown {
  return renderSummary(report, document, 'Signatures');
}

export function renderAttestSummary(report: SigningReport, document: Markdown): Markdown {
  return renderSummary(report, document, 'Attestations');
}

export function renderSignText(report: SigningReport, style: TextStyle = plainStyle): string {
  return renderText(report, 'Signatures', style);
}

export function renderAttestText(report: SigningReport, style: TextStyle = plainStyle): string {
  return renderText(report, 'Attestations', style);
}

/** The outputs of the sign and attest actions (the CLI's --json gives them too). */
export function signOutputs(report: SigningReport): {
  signed: boolean;
  digests: string[];
  bundles: string[];
  'rekor-log-indexes': (number | null)[];
  'rekor-urls': (string | null)[];
} {
  return {
    signed: report.signed,
    digests: report.records.map((record) => record.reference),
    bundles: report.records.map((record) => record.bundle ?? ''),
    'rekor-log-indexes': report.records.map((record) => record.logIndex ?? null),
    'rekor-urls': report.records.map((record) => record.rekorUrl ?? null),
  };
}

/** attest declares the same outputs as sign. */
export const attestOutputs = signOutputs;
