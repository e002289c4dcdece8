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
