import { inputFileChunks } from '@release-actions/core';
import { REPORT_FILE } from './input-files.js';
import type { GrypeReport } from './grype-report.js';
import { readReportChunks, readReportFile } from './stream.js';

/**
 * Parses the text of a grype JSON report; every way it can be wrong names the file. Matches are
 * reduced to the fields in this model (see stream.ts).
 */
export async function parseReport(text: string, file: string): Promise<GrypeReport> {
  return readReportChunks([Buffer.from(text)], file);
}

/** Reads a grype JSON report from disk in chunks, one match at a time (see stream.ts). */
export async function readReport(file: string): Promise<GrypeReport> {
  return readReportFile(file);
}

/** The grype JSON report the user gave (`report`): checked to be a regular file within the limit. */
export async function readGivenReport(file: string): Promise<GrypeReport> {
  // Chunks as large as the reader of grype's own reports takes.
  return readReportChunks(inputFileChunks(file, REPORT_FILE, 4 * 1024 * 1024), file);
}

/** What was scanned, as one string: the image reference given, or the directory / file path. */
export function reportTarget(report: GrypeReport): string {
  const target = report.source?.target;
  if (typeof target === 'string') return target;
  return target?.userInput ?? 'unknown';
}

export function grypeVersionOf(report: GrypeReport): string | undefined {
  const version = report.descriptor?.version;
  return version && version !== '[not provided]' ? version : undefined;
}

export function dbBuiltOf(report: GrypeReport): string | undefined {
  const db = report.descriptor?.db;
  return db?.built ?? db?.status?.built;
}
