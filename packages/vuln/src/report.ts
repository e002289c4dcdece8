import { readReportChunks, readReportFile } from './stream.js';

/**
 * The parts of grype's JSON report (`grype -o json`) that the gate, the SARIF and the summary
 * use. Reports from grype 0.28 to today share them; newer fields (epss, risk, knownExploited)
 * are optional and ignored.
 */
export interface GrypeCvss {
  source?: string;
  type?: string;
  version?: string;
  vector?: string;
  metrics?: { baseScore?: number };
}

export interface GrypeVulnerability {
  id: string;
  dataSource?: string;
  namespace?: string;
  severity?: string;
  urls?: string[] | null;
  description?: string;
  cvss?: GrypeCvss[] | null;
  fix?: { versions?: string[] | null; state?: string };
}

export interface GrypeArtifact {
  id?: string;
  name: string;
  version: string;
  type?: string;
  purl?: string;
  locations?: { path?: string; accessPath?: string }[] | null;
}

export interface GrypeMatch {
  vulnerability: GrypeVulnerability;
  relatedVulnerabilities?: GrypeVulnerability[] | null;
  matchDetails?: { type?: string; matcher?: string }[] | null;
  artifact: GrypeArtifact;
}

export interface GrypeSource {
  type?: string;
  target?:
    | string
    | {
        userInput?: string;
        manifestDigest?: string;
        repoDigests?: string[] | null;
        tags?: string[] | null;
      };
}

export interface GrypeReport {
  matches: GrypeMatch[];
  source?: GrypeSource;
  distro?: { name?: string; version?: string };
  descriptor?: {
    name?: string;
    version?: string;
    timestamp?: string;
    db?: {
      built?: string;
      schemaVersion?: number | string;
      status?: { built?: string; schemaVersion?: string };
    };
  };
}

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
