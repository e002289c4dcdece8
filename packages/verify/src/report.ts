import { plainStyle, type TextStyle } from '@release-actions/core';
import type { CheckName } from './checks.js';
import {
  CLAIM_LABELS,
  formatClaim,
  type ClaimCheck,
  type ClaimName,
  type ClaimPolicy,
  type Claims,
} from './claims.js';
import type { IdentityPolicy } from './identity.js';
import type { VexFacts } from './statement.js';
import type { BundleSourceChoice, SourceName } from './bundle-source.js';

export type Engine = 'cosign' | 'native';
export type CheckStatus = 'passed' | 'failed' | 'error';

export interface RekorEntry {
  logIndex?: number;
  /** Seconds since the epoch, as Rekor records it. */
  integratedTime?: number;
}

/** One check on one digest, with the claims of the certificate it looked at (see Claims). */
export interface CheckResult extends Claims {
  check: CheckName;
  /** registry/repository@sha256:… — always a digest. */
  subject: string;
  /** os/architecture[/variant] for a platform manifest of an index. */
  platform?: string;
  status: CheckStatus;
  /** Every value of the identity policy, as seen, with pass or fail. */
  claims?: ClaimCheck[];
  rekor?: RekorEntry;
  /** One line, set when the check did not pass. */
  reason?: string;
  /** The vex check: what the verified OpenVEX document declares. */
  vex?: VexFacts;
  /** Where the bundles came from; set only when the verification read GitHub's attestation store. */
  source?: SourceName;
}

/** What a file's verification read: the file, its SHA-256, and the files that vouch for it. */
export interface FileFacts {
  /** The file as given. */
  path: string;
  /** SHA-256 of its bytes, hex. */
  sha256: string;
  /** The bundle verified (over the file, or over the checksums file). */
  bundle: string;
  /** The checksums file the bundle signs and that lists the file under its base name. */
  checksums?: string;
  /** The SLSA provenance (.intoto.jsonl) slsa-verifier checked. */
  provenancePath?: string;
}

export interface VerifyReport {
  /** The reference as given (tag or digest); for a file, its path. */
  image: string;
  /** Set when a release file was verified instead of an image. */
  file?: FileFacts;
  /** registry/repository@digest every check used. */
  reference: string;
  digest: string;
  engine: Engine;
  /** github or both: bundles were (also) read from GitHub's attestation store. */
  source?: BundleSourceChoice;
  policy: ClaimPolicy &
    Pick<IdentityPolicy, 'description'> & {
      /** Key-based: the public key file the signatures were checked against (no identity). */
      key?: string;
      /** With key: whether a transparency-log entry was required. */
      transparencyLog?: 'required' | 'skip';
    };
  warning?: string;
  checks: CheckName[];
  results: CheckResult[];
  /** Commands a person can run to reproduce each check by hand. */
  commands: string[];
  verdict: CheckStatus;
}

/** Passed only when every requested check passed on every digest; an error outranks a failure. */
export function verdictOf(results: readonly CheckResult[]): CheckStatus {
  if (results.length === 0) return 'error';
  if (results.some((r) => r.status === 'error')) return 'error';
  return results.every((r) => r.status === 'passed') ? 'passed' : 'failed';
}

export function formatRekor(rekor: RekorEntry | undefined): string {
  if (rekor === undefined || (rekor.logIndex === undefined && rekor.integratedTime === undefined)) return '';
  const parts: string[] = [];
  if (rekor.logIndex !== undefined) parts.push(`#${rekor.logIndex}`);
  if (rekor.integratedTime !== undefined && rekor.integratedTime > 0) {
    parts.push(new Date(rekor.integratedTime * 1000).toISOString().replace('.000Z', 'Z'));
  }
  return parts.join(' ');
}

const MARK: Record<CheckStatus, string> = { passed: 'passed', failed: 'FAILED', error: 'ERROR' };

export const TABLE_HEADERS = [
  'check',
  'digest',
  'result',
  'SAN',
  'issuer',
  'source repository',
  'source ref',
  'trigger',
  'workflow commit',
  'Rekor entry / integrated time',
  'reason',
] as const;

/** The cell of one claim: the value seen with ✓ or ✗ when it was checked, else what was seen. */
function claimCell(result: CheckResult, claim: ClaimName, seen: string | undefined): string {
  const check = result.claims?.find((c) => c.claim === claim);
  if (check === undefined) return seen ?? '';
  return formatClaim(check) + (check.note ? ` (${check.note})` : '');
}

function shortDigest(subject: string, platform?: string): string {
  const digest = subject.slice(subject.indexOf('@') + 1);
  const short = digest.length > 19 ? `${digest.slice(0, 19)}…` : digest;
  return platform ? `${short} (${platform})` : short;
}

/** The check's name, with where its bundles came from when the store was read. */
function checkCell(r: CheckResult): string {
  if (r.source === undefined) return r.check;
  return `${r.check} (${r.source === 'github' ? 'GitHub attestation store' : 'registry'})`;
}

export function reportRows(report: VerifyReport): string[][] {
  return report.results.map((r) => [
    checkCell(r),
    shortDigest(r.subject, r.platform),
    MARK[r.status],
    claimCell(r, 'identity', r.identity),
    claimCell(r, 'issuer', r.issuer),
    claimCell(r, 'repository', r.repository),
    claimCell(r, 'source-ref', r.sourceRef),
    claimCell(r, 'trigger', r.trigger),
    claimCell(r, 'workflow-commit', r.workflowCommit),
    formatRekor(r.rekor),
    r.reason ?? '',
  ]);
}

export function verdictLine(report: VerifyReport): string {
  const failed = report.results.filter((r) => r.status !== 'passed').length;
  if (report.verdict === 'passed') {
    return `Verified ${report.reference}: all ${report.results.length} check(s) passed (${report.checks.join(', ')}).`;
  }
  return `Verification of ${report.reference} ${report.verdict === 'error' ? 'could not complete' : 'failed'}: ${failed} of ${report.results.length} check(s) did not pass.`;
}

/** The policy in one line: every value a certificate must carry. */
export function policyLine(policy: VerifyReport['policy']): string {
  if (policy.key !== undefined) {
    const log =
      policy.transparencyLog === 'skip'
        ? 'no transparency-log entry required'
        : 'a transparency-log entry required';
    return `signed with the key ${policy.key} (no certificate identity; ${log})`;
  }
  const parts = [
    `SAN ${policy.identityRegexp}`,
    `issuer ${policy.issuer}`,
    `source repository ${policy.repository}`,
    `source ref ${policy.sourceRef ?? policy.sourceRefPattern}`,
  ];
  if (policy.trigger) parts.push(`trigger ${policy.trigger}`);
  if (policy.workflowCommit) parts.push(`workflow commit ${policy.workflowCommit}`);
  return `${policy.description} (${parts.join(', ')})`;
}

function details(r: CheckResult): string[] {
  const vex = r.vex ? [vexLine(r.vex)] : [];
  if (r.claims !== undefined && r.claims.length > 0) {
    const claims = r.claims.map(
      (c) => `${CLAIM_LABELS[c.claim]} ${formatClaim(c)}${c.note ? ` (${c.note})` : ''}`,
    );
    return [...vex, ...(r.rekor ? [...claims, `Rekor ${formatRekor(r.rekor)}`] : claims)];
  }
  return [
    ...vex,
    ...[
      r.identity ? `identity ${r.identity}` : '',
      r.issuer ? `issuer ${r.issuer}` : '',
      r.rekor ? `Rekor ${formatRekor(r.rekor)}` : '',
    ].filter((d) => d.trim() !== '' && !d.endsWith(' ')),
  ];
}

/** `2 statements; not affected: CVE-…, CVE-…` (or `none`). */
export function vexLine(vex: VexFacts): string {
  const notAffected = vex.notAffected.length > 0 ? vex.notAffected.join(', ') : 'none';
  return `${vex.statements} statement${vex.statements === 1 ? '' : 's'}; not affected: ${notAffected}`;
}

export const VEX_TABLE_HEADERS = ['digest', 'statements', 'not affected'] as const;

/** One row per digest whose VEX document verified: what it declares. */
export function vexRows(report: VerifyReport): string[][] {
  return report.results
    .filter((r) => r.check === 'vex' && r.vex !== undefined)
    .map((r) => [
      shortDigest(r.subject, r.platform),
      String(r.vex!.statements),
      r.vex!.notAffected.length > 0 ? r.vex!.notAffected.join(', ') : 'none',
    ]);
}

/** Plain text for the log and the CLI: one line per check, then the reproducing commands. */
export function reportText(report: VerifyReport, style: TextStyle = plainStyle): string {
  const verdict = verdictLine(report);
  const lines = [
    report.verdict === 'passed' ? style.green(verdict) : style.red(verdict),
    `Policy: ${policyLine(report.policy)}; engine ${report.engine}${report.source ? `; bundles from ${report.source === 'both' ? "the registry and GitHub's attestation store, each" : "GitHub's attestation store"}` : ''}.`,
  ];
  if (report.warning) lines.push(`Warning: ${report.warning}`);
  if (report.file) lines.push(fileLine(report.file));
  for (const r of report.results) {
    const detail = details(r);
    lines.push(
      `  ${MARK[r.status].padEnd(6)} ${checkCell(r).padEnd(14)} ${r.subject}${r.platform ? ` (${r.platform})` : ''}${r.reason ? ` — ${r.reason}` : ''}${detail.length > 0 ? ` [${detail.join('; ')}]` : ''}`,
    );
  }
  lines.push('Reproduce by hand:', ...report.commands.map((c) => `  ${c}`));
  return lines.join('\n');
}

/** The file in one line: its digest and what vouches for it. */
export function fileLine(file: FileFacts): string {
  const parts = [`File: ${file.path} sha256:${file.sha256}`, `bundle ${file.bundle}`];
  if (file.checksums) parts.push(`listed in ${file.checksums}`);
  if (file.provenancePath) parts.push(`provenance ${file.provenancePath}`);
  return `${parts.join('; ')}.`;
}

/** The `report` output and `--format json`: the report as is, stable field names. */
export function reportJson(report: VerifyReport): string {
  return JSON.stringify(report);
}
