import { OperationalError } from '@release-actions/errors';
import { readFile } from 'node:fs/promises';

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

/** Parses the text of a grype JSON report; every way it can be wrong names the file. */
export function parseReport(text: string, file: string): GrypeReport {
  if (text.trim() === '') throw new OperationalError(`grype report ${file} is empty.`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new OperationalError(`grype report ${file} is not JSON: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new OperationalError(`grype report ${file} is not a grype JSON report (expected an object).`);
  }
  const report = data as Partial<GrypeReport>;
  if (!Array.isArray(report.matches)) {
    throw new OperationalError(
      `grype report ${file} is not a grype JSON report (no "matches" list); was it written with -o json?`,
    );
  }
  for (let i = 0; i < report.matches.length; i++) {
    const match = report.matches[i] as Partial<GrypeMatch> | null;
    if (
      typeof match?.vulnerability?.id !== 'string' ||
      typeof match.artifact?.name !== 'string' ||
      match.artifact.version === undefined
    ) {
      throw new OperationalError(
        `grype report ${file}: match ${i + 1} lacks vulnerability.id or artifact.name/version.`,
      );
    }
  }
  return report as GrypeReport;
}

export async function readReport(file: string): Promise<GrypeReport> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'EISDIR' ? 'it is a directory' : code;
    throw new OperationalError(`cannot read grype report ${file}: ${why ?? (error as Error).message}`);
  }
  return parseReport(text, file);
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
