import { parseReference } from '@release-actions/oci';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { GrypeReport } from './grype-report.js';
import { isExpired, type IgnoreRule } from './ignore.js';
import type { JudgedTarget } from './platforms.js';

/**
 * The ignore rules the gate applied, published as an OpenVEX v0.2.0 document, so that a consumer's
 * grype (`--vex`) and our own gate (vex.ts) accept the same exceptions the release was judged with.
 *
 * One statement per rule that suppressed at least one finding, `not_affected`, the rule's reason
 * as `impact_statement` (the ignore file has no justification label), its expiry in
 * `status_notes`. Products are the image by each digest that was judged (the index and every
 * platform), each as grype v0.120 names a scanned image: a `pkg:oci` purl with `repository_url`
 * and the bare sha-256 of the digest (grype matches either). Subcomponents are the package URLs of
 * the findings the rule suppressed, without qualifiers (arch, distro) so that one statement
 * covers every platform: a statement never claims more than the gate accepted, which is why a
 * rule that matched nothing, or only packages without a package URL, is left out (and reported)
 * rather than written as a statement about the whole image.
 */
export const OPENVEX_CONTEXT = 'https://openvex.dev/ns/v0.2.0';
export const OPENVEX_FILE = 'openvex.json';

export interface OpenVexComponent {
  '@id': string;
  hashes?: Record<string, string>;
  subcomponents?: { '@id': string }[];
}

export interface OpenVexStatement {
  vulnerability: { name: string; aliases?: string[] };
  products: OpenVexComponent[];
  status: 'not_affected';
  impact_statement: string;
  status_notes: string;
}

export interface OpenVexDocument {
  '@context': typeof OPENVEX_CONTEXT;
  '@id': string;
  author: string;
  timestamp: string;
  version: 1;
  tooling: string;
  statements: OpenVexStatement[];
}

export interface OpenVexRequest {
  /** The image judged: a reference whose registry and repository name the products. */
  subject: string;
  /** Every target the gate judged; their digests and findings. */
  results: readonly JudgedTarget[];
  rules: readonly IgnoreRule[];
  author: string;
  now: Date;
  /** How a rule's file is named in status_notes (default its base name: no runner paths). */
  ruleFile?: (file: string) => string;
}

export interface SkippedRule {
  rule: IgnoreRule;
  reason: string;
}

export interface OpenVexExport {
  document: OpenVexDocument;
  skipped: SkippedRule[];
}

const SHA256 = /^sha256:([0-9a-f]{64})$/;

/** The digests grype saw for a target scanned as it is: the manifest it read and the one it was named by. */
function reportDigests(report: GrypeReport): string[] {
  const target = report.source?.target;
  if (typeof target !== 'object' || target === null) return [];
  const found = [target.manifestDigest, ...(target.repoDigests ?? []).map((d) => d.split('@')[1])];
  return found.filter((d): d is string => typeof d === 'string' && SHA256.test(d));
}

/**
 * Every digest the gate judged, the subject's first: products must name what a consumer pulls.
 * An image scanned as it was given (a tag, say) is known by the digests grype read for it.
 */
export function judgedDigests(subjectDigest: string | undefined, results: readonly JudgedTarget[]): string[] {
  const digests = [
    subjectDigest,
    ...results.flatMap((r) =>
      r.target.digest === '' && r.target.source?.kind === 'image'
        ? reportDigests(r.report)
        : [r.target.digest],
    ),
  ];
  return [...new Set(digests.filter((d): d is string => typeof d === 'string' && SHA256.test(d)))];
}

/** `pkg:oci/<name>@sha256%3A<hex>?repository_url=<registry>/<repository>` with the digest's sha-256. */
export function imageProduct(registry: string, repository: string, digest: string): OpenVexComponent {
  const hex = SHA256.exec(digest)?.[1] as string;
  const name = repository.slice(repository.lastIndexOf('/') + 1);
  return {
    '@id': `pkg:oci/${name}@${encodeURIComponent(digest)}?repository_url=${registry.toLowerCase()}/${repository}`,
    hashes: { 'sha-256': hex },
  };
}

/** A package URL without qualifiers and subpath: the same package on every platform. */
export function packageKey(purl: string): string {
  const cut = purl.search(/[?#]/);
  return cut === -1 ? purl : purl.slice(0, cut);
}

interface RuleUse {
  purls: Set<string>;
  ids: Set<string>;
}

function usesOf(results: readonly JudgedTarget[]): Map<IgnoreRule, RuleUse> {
  const uses = new Map<IgnoreRule, RuleUse>();
  for (const result of results) {
    for (const finding of result.evaluation.findings) {
      const suppressed = finding.suppressed;
      if (suppressed?.by !== 'ignore') continue;
      let use = uses.get(suppressed.rule);
      if (use === undefined) {
        use = { purls: new Set(), ids: new Set() };
        uses.set(suppressed.rule, use);
      }
      use.ids.add(finding.match.vulnerability.id);
      const purl = finding.match.artifact.purl;
      if (purl) use.purls.add(packageKey(purl));
    }
  }
  return uses;
}

const sorted = (values: Iterable<string>): string[] => [...values].sort();

function statementOf(
  rule: IgnoreRule,
  use: RuleUse,
  products: readonly OpenVexComponent[],
  file: string,
): OpenVexStatement {
  const aliases = sorted(use.ids).filter((id) => id !== rule.id);
  const subcomponents = sorted(use.purls).map((purl) => ({ '@id': purl }));
  return {
    vulnerability: { name: rule.id, ...(aliases.length > 0 ? { aliases } : {}) },
    products: products.map((product) => ({ ...product, subcomponents })),
    status: 'not_affected',
    impact_statement: rule.reason,
    status_notes: `Accepted until ${rule.expires} (UTC) by ignore rule ${rule.index} of ${file}; the exception is reviewed by then.`,
  };
}

/** RFC 3339 in UTC to the second: the document's time is the scan's. */
function timestampOf(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The OpenVEX document of the rules that applied, and the rules left out with why. The same
 * request (rules, findings, digests, author, time) gives the same bytes, `@id` included.
 */
export function exportOpenVex(request: OpenVexRequest): OpenVexExport | { problem: string } {
  const reference = parseReference(request.subject);
  const digests = judgedDigests(reference.digest, request.results);
  if (digests.length === 0) {
    return { problem: `no sha256 image digest of ${request.subject} is known, so no product can be named` };
  }
  const products = digests.map((d) => imageProduct(reference.registry, reference.repository, d));
  const uses = usesOf(request.results);
  const fileName = request.ruleFile ?? ((file: string) => path.basename(file));
  const statements: OpenVexStatement[] = [];
  const skipped: SkippedRule[] = [];
  for (const rule of [...request.rules].sort((a, b) => a.index - b.index)) {
    const use = uses.get(rule);
    if (isExpired(rule, request.now)) skipped.push({ rule, reason: `it expired on ${rule.expires}` });
    else if (use === undefined) skipped.push({ rule, reason: 'it matched no finding' });
    else if (use.purls.size === 0) {
      skipped.push({ rule, reason: 'the packages it matched have no package URL to name' });
    } else statements.push(statementOf(rule, use, products, fileName(rule.file)));
  }
  const timestamp = timestampOf(request.now);
  const body = { author: request.author, timestamp, statements };
  const hash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  return {
    document: {
      '@context': OPENVEX_CONTEXT,
      '@id': `https://openvex.dev/docs/public/vex-${hash}`,
      author: request.author,
      timestamp,
      version: 1,
      tooling: 'aotanami/release-actions scan',
      statements,
    },
    skipped,
  };
}

/** The document as written to openvex.json. */
export function openVexText(document: OpenVexDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
