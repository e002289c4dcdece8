import { InputError, readInputFile } from '@release-actions/core';
import type { VulnErrorCode } from './errors.js';
import { VEX_FILE } from './input-files.js';
import type { GrypeMatch } from './grype-report.js';

/**
 * OpenVEX documents (v0.0.x and v0.2.x): a statement whose status is `not_affected` or `fixed`
 * suppresses the findings of its vulnerability in the packages it names. Products and
 * subcomponents are package URLs; a statement that names an image with subcomponents speaks of
 * those packages inside the image being scanned.
 */
export type VexStatus = 'not_affected' | 'affected' | 'fixed' | 'under_investigation';
const STATUSES: readonly string[] = ['not_affected', 'affected', 'fixed', 'under_investigation'];

export interface VexStatement {
  file: string;
  /** 1-based position in its document. */
  index: number;
  vulnerabilities: string[];
  /** Package URLs, normalised (see `purlKey`). */
  products: string[];
  status: VexStatus;
  justification?: string;
  impact?: string;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function ids(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list
    .map((item: unknown) =>
      typeof item === 'string' ? item : str((item as { '@id'?: unknown } | null)?.['@id']),
    )
    .filter((id): id is string => id !== undefined);
}

/**
 * The part of a package URL that identifies a package version: type/namespace/name@version,
 * without qualifiers (arch, distro) or subpath, which tools fill in differently.
 */
export function purlKey(purl: string): string {
  const cut = purl.search(/[?#]/);
  const base = cut === -1 ? purl : purl.slice(0, cut);
  try {
    return decodeURIComponent(base).toLowerCase();
  } catch {
    return base.toLowerCase();
  }
}

function withoutVersion(key: string): string {
  const at = key.lastIndexOf('@');
  return at > key.indexOf('/') ? key.slice(0, at) : key;
}

export function parseVex(data: unknown, file: string): VexStatement[] {
  const doc = data as { '@context'?: unknown; statements?: unknown } | null;
  const context = str(doc?.['@context']);
  if (typeof doc !== 'object' || doc === null || !context?.startsWith('https://openvex.dev/ns')) {
    throw new InputError<VulnErrorCode>(
      `VEX document ${file} is not OpenVEX (no "@context" https://openvex.dev/ns/...).`,
      { code: 'VEX_INVALID' },
    );
  }
  if (!Array.isArray(doc.statements)) {
    throw new InputError<VulnErrorCode>(`VEX document ${file} has no "statements" list.`, {
      code: 'VEX_INVALID',
    });
  }
  return doc.statements.map((entry: unknown, i): VexStatement => {
    const where = `VEX document ${file}, statement ${i + 1}`;
    const statement = (entry ?? {}) as Record<string, unknown>;
    const vulnerability = statement.vulnerability;
    const vulnerabilities =
      typeof vulnerability === 'string'
        ? [vulnerability]
        : [
            str((vulnerability as { name?: unknown } | undefined)?.name),
            str((vulnerability as { '@id'?: unknown } | undefined)?.['@id']),
            ...((vulnerability as { aliases?: unknown } | undefined)?.aliases instanceof Array
              ? ((vulnerability as { aliases: unknown[] }).aliases.map(str) as (string | undefined)[])
              : []),
          ].filter((v): v is string => v !== undefined);
    if (vulnerabilities.length === 0)
      throw new InputError<VulnErrorCode>(`${where}: no vulnerability name.`, { code: 'VEX_INVALID' });
    const status = str(statement.status);
    if (status === undefined || !STATUSES.includes(status)) {
      throw new InputError<VulnErrorCode>(
        `${where}: status "${status ?? ''}" is not one of ${STATUSES.join(', ')}.`,
        { code: 'VEX_INVALID' },
      );
    }
    const products: string[] = [];
    const productList = Array.isArray(statement.products) ? statement.products : [];
    const subcomponents = ids(statement.subcomponents);
    for (const product of productList) {
      const nested = ids((product as { subcomponents?: unknown } | null)?.subcomponents);
      // A product with subcomponents is the image; the findings are in the subcomponents.
      if (nested.length > 0) products.push(...nested);
      else products.push(...ids(product));
    }
    products.push(...subcomponents);
    if (products.length === 0)
      throw new InputError<VulnErrorCode>(`${where}: no products (package URLs).`, { code: 'VEX_INVALID' });
    return {
      file,
      index: i + 1,
      vulnerabilities,
      products: products.map(purlKey),
      status: status as VexStatus,
      justification: str(statement.justification),
      impact: str(statement.impact_statement) ?? str(statement.status_notes),
    };
  });
}

export async function loadVex(file: string): Promise<VexStatement[]> {
  const text = readInputFile(file, VEX_FILE);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError<VulnErrorCode>(`VEX document ${file} is not JSON: ${(error as Error).message}`, {
      code: 'VEX_INVALID',
    });
  }
  return parseVex(data, file);
}

function productMatches(product: string, artifactKey: string): boolean {
  if (product === artifactKey) return true;
  // A product without a version speaks of every version of the package.
  return !product.slice(product.indexOf('/')).includes('@') && product === withoutVersion(artifactKey);
}

/** The statement deciding this finding (the last one that names it), or undefined. */
export function vexDecision(
  statements: readonly VexStatement[],
  match: GrypeMatch,
): VexStatement | undefined {
  const purl = match.artifact.purl;
  if (!purl) return undefined;
  const key = purlKey(purl);
  const names = [match.vulnerability.id, ...(match.relatedVulnerabilities ?? []).map((r) => r?.id)];
  let decision: VexStatement | undefined;
  for (const statement of statements) {
    if (!statement.vulnerabilities.some((v) => names.includes(v))) continue;
    if (statement.products.some((product) => productMatches(product, key))) decision = statement;
  }
  return decision;
}

export function suppresses(statement: VexStatement | undefined): boolean {
  return statement?.status === 'not_affected' || statement?.status === 'fixed';
}
