import type { SigningRecord, SigningReport } from './signing.js';

/**
 * The rows of the summary table: reference, digest, Rekor entry. Plain data, so that the action
 * and the CLI render it with the same Markdown builder.
 */
export interface SigningTable {
  headers: string[];
  rows: string[][];
}

function rekorCell(record: SigningRecord): string {
  if (record.logIndex !== undefined && record.rekorUrl) return `[${record.logIndex}](${record.rekorUrl})`;
  if (record.logIndex !== undefined)
    return record.transparencyLog ? `${record.logIndex} in ${record.transparencyLog}` : `${record.logIndex}`;
  if (record.alreadyLogged) return 'already in the log';
  return 'not logged';
}

function subjectCell(record: SigningRecord): string {
  const what = record.platform ? record.platform : record.role === 'index' ? 'index' : 'image';
  return `\`${record.repository}\` (${what})`;
}

export function signingTable(report: SigningReport): SigningTable {
  const attest = report.records.some((record) => record.predicateType !== undefined);
  const headers = attest ? ['Subject', 'Digest', 'Type', 'Rekor entry'] : ['Image', 'Digest', 'Rekor entry'];
  const rows = report.records.map((record) =>
    attest
      ? [subjectCell(record), `\`${record.digest}\``, `\`${record.predicateType ?? ''}\``, rekorCell(record)]
      : [subjectCell(record), `\`${record.digest}\``, rekorCell(record)],
  );
  return { headers, rows };
}

/** The part of the kit's Markdown builder a summary needs; this package stays free of runner code. */
export interface SummaryBuilder {
  heading(text: string, level?: 1 | 2 | 3 | 4): unknown;
  paragraph(text: string): unknown;
  table(headers: readonly string[], rows: readonly (readonly string[])[]): unknown;
}

/** The summary of a sign or attest run, the same in the job summary and on the CLI. */
export function renderSigningSummary(report: SigningReport, document: SummaryBuilder, title: string): void {
  document.heading(title);
  if (report.mode === 'skipped') {
    document.paragraph(report.skippedReason ?? 'Skipped.');
    return;
  }
  const attest = report.records.some((record) => record.predicateType !== undefined);
  const logged = report.records.some((record) => record.logIndex !== undefined || record.alreadyLogged);
  const how =
    report.mode === 'keyless'
      ? 'keyless: Fulcio certificate, Rekor entry'
      : logged
        ? 'key-based'
        : 'key-based, no transparency-log entry';
  document.paragraph(
    `${report.records.length} ${attest ? 'attestation(s)' : 'digest(s)'} signed with cosign (${how}).`,
  );
  const table = signingTable(report);
  document.table(table.headers, table.rows);
}

/** The outputs both actions (and the CLI's JSON) give. */
export function signingOutputs(report: SigningReport): {
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
