export { SEVERITIES, parseCutoff, normalizeSeverity, atOrAbove } from './severity.js';
export type { Cutoff, Severity, SeverityCounts } from './severity.js';
export { parseReport, readReport } from './report.js';
export { readReportChunks } from './stream.js';
export type {
  GrypeReport,
  GrypeMatch,
  GrypeVulnerability,
  GrypeArtifact,
  GrypeCvss,
} from './grype-report.js';
export type { VulnErrorCode } from './errors.js';
export {
  parseIgnoreRules,
  loadIgnoreFile,
  isExpired,
  ruleMatches,
  parseMaxIgnoreDays,
  DEFAULT_MAX_IGNORE_DAYS,
  MAX_IGNORE_DAYS_LIMIT,
} from './ignore.js';
export type { IgnoreRule } from './ignore.js';
export { parseVex, loadVex, vexDecision, purlKey } from './vex.js';
export type { VexStatement, VexStatus } from './vex.js';
export { evaluate, defaultPolicy, total } from './policy.js';
export type { Policy, Evaluation, Finding, Suppression, GateVerdict } from './policy.js';
export { toSarif, securitySeverity } from './sarif.js';
export type { SarifOptions, SarifOutput } from './sarif.js';
export { categoryFor, defaultCategory } from './category.js';
export { renderSummary } from './summary.js';
export type { SummaryBuilder, SummaryContext } from './summary.js';
export { renderText, headline, toJson, legend, upgradeLine } from './text-report.js';
export type { TextOptions } from './text-report.js';
export { bestUpgrade, byPackage } from './upgrade.js';
export type { Upgrade, PackageFindings } from './upgrade.js';
export { compareDebian, compareRpm, compareGeneric, versionOrder } from './versions.js';
export { grypeArgs, parseGrypeVersion, grypeVersion, checkTarget, grypeError, runGrype } from './grype.js';
export type { ScanSource, SourceKind, GrypeOutputs, GrypeVersion } from './grype.js';
export { restoreDb, saveDb, dbCacheKeys } from './db-cache.js';
export type { CacheApi, DbCacheState, CacheHit } from './db-cache.js';
export { judge, scan, writeSarif } from './scan.js';
export type { PolicyInput, Judgement, ScanOptions, ScanEachOptions, ScanOutcome } from './scan.js';
export type { GateTarget, JudgedTarget } from './platforms.js';
export { planScan, defaultOutputDir } from './selection.js';
export type { ScanSubject, ScanPlan } from './selection.js';
export { gate } from './gate.js';
export type { GateRequest, ScanResult, OpenVexOutput } from './gate.js';
export {
  exportOpenVex,
  openVexText,
  imageProduct,
  judgedDigests,
  packageKey,
  OPENVEX_CONTEXT,
  OPENVEX_FILE,
} from './openvex-export.js';
export type {
  OpenVexDocument,
  OpenVexStatement,
  OpenVexComponent,
  OpenVexRequest,
  OpenVexExport,
  SkippedRule,
} from './openvex-export.js';
export { scanOutputs, renderScanSummary, renderScanText, scanJson, exportSarif } from './gate-report.js';
export type { ScanOutput } from './gate-report.js';
