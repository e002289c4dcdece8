import { code, InputError, OperationalError, type Logger, type Markdown } from '@release-actions/core';
import type { SigningRecord, SigningReport } from '@release-actions/cosign';
import { readFileSync } from 'node:fs';
import { openAttestationStore, type AttestationStoreOptions } from './attestation-store.js';
import { DEFAULT_API_URL, type ClientTuning } from './client.js';
import type { GithubErrorCode } from './errors.js';
import { parseRepository } from './target.js';

/** Where sign and attest keep their bundles: the registry (always, cosign attaches them) and GitHub's store. */
export const STORES = ['registry', 'github', 'both'] as const;
export type Store = (typeof STORES)[number];

export interface StoreRequest {
  store: Store;
  /** owner/name; required when the store includes github. */
  repository?: string;
  token?: string;
}

/** A checked request: undefined when only the registry keeps the bundles. */
export interface GitHubStoreTarget {
  repository: string;
  token: string;
}

/**
 * Checked before anything is signed. cosign attaches every signature and attestation to the
 * registry, so GitHub's store is always in addition to it: `github` alone is refused rather
 * than pretended.
 */
export function checkStore(request: StoreRequest): GitHubStoreTarget | undefined {
  if (request.store === 'registry') return undefined;
  if (request.store === 'github') {
    throw new InputError(
      "github alone is not accepted: cosign always attaches the bundles to the registry; use both to also keep them in GitHub's attestation store.",
      { input: 'store' },
    );
  }
  if (!request.repository) {
    throw new InputError('required (owner/name) when store is both.', { input: 'repository' });
  }
  const { owner, repo } = parseRepository(request.repository);
  if (!request.token) {
    throw new InputError('required when store is both: a token with `attestations: write`.', {
      input: 'token',
    });
  }
  return { repository: `${owner}/${repo}`, token: request.token };
}

export interface StoredBundle {
  /** repository@digest the bundle is about. */
  reference: string;
  bundle: string;
  id: number;
  url: string;
}

export interface StoreResult {
  repository: string;
  /** One per signing record, in order; null where the record has no bundle to store. */
  attestations: (StoredBundle | null)[];
}

export interface StoreBundlesOptions extends GitHubStoreTarget {
  baseUrl?: string;
  serverUrl?: string;
  logger: Logger;
  tuning?: ClientTuning;
}

function readBundleFile(record: SigningRecord & { bundle: string }): unknown {
  try {
    return JSON.parse(readFileSync(record.bundle, 'utf8'));
  } catch (error) {
    throw new OperationalError<GithubErrorCode>(
      `Could not read the bundle ${record.bundle} of ${record.reference}: ${(error as Error).message}`,
      { code: 'API_FAILED' },
    );
  }
}

/**
 * POSTs each bundle cosign wrote to GitHub's attestation store. A record without a bundle (a
 * rerun whose entry was already in the log) has nothing to store and is said so; any failed
 * write fails the step after the retries, since a store asked for and half written is no store.
 */
export async function storeBundles(
  report: SigningReport,
  options: StoreBundlesOptions,
): Promise<StoreResult> {
  const result: StoreResult = { repository: options.repository, attestations: [] };
  if (report.mode === 'skipped') return result;
  const storeOptions: AttestationStoreOptions = {
    repository: options.repository,
    token: options.token,
    baseUrl: options.baseUrl,
    serverUrl: options.serverUrl,
    logger: options.logger,
    tuning: options.tuning,
  };
  const store = await openAttestationStore(storeOptions);
  for (const record of report.records) {
    if (!record.bundle) {
      options.logger.warning(
        `No bundle for ${record.reference} (its entry was already in the log): nothing stored in GitHub's attestation store for it.`,
      );
      result.attestations.push(null);
      continue;
    }
    const what = `${record.reference}${record.predicateType ? ` (${record.predicateType})` : ''}`;
    const stored = await store.write(readBundleFile(record as SigningRecord & { bundle: string }), what);
    options.logger.info(
      `Stored the bundle of ${what} in ${options.repository}'s attestation store: ${stored.url}`,
    );
    result.attestations.push({ reference: record.reference, bundle: record.bundle, ...stored });
  }
  return result;
}

/** The outputs sign and attest add: ids and pages, aligned with `digests` and `bundles`. */
export function storeOutputs(result: StoreResult | undefined): {
  'github-attestation-ids': (number | null)[];
  'github-attestation-urls': (string | null)[];
} {
  const list = result?.attestations ?? [];
  return {
    'github-attestation-ids': list.map((a) => a?.id ?? null),
    'github-attestation-urls': list.map((a) => a?.url ?? null),
  };
}

export function renderStoreSummary(result: StoreResult | undefined, document: Markdown): Markdown {
  if (result === undefined) return document;
  const stored = result.attestations.filter((a): a is StoredBundle => a !== null);
  document.paragraph(
    `${stored.length} bundle(s) also stored in GitHub's attestation store of ${code(result.repository)}.`,
  );
  if (stored.length > 0) {
    document.table(
      ['Subject', 'Attestation'],
      stored.map((a) => [code(a.reference), `[${a.id}](${a.url})`]),
    );
  }
  return document;
}

export function renderStoreText(result: StoreResult | undefined): string {
  if (result === undefined) return '';
  const stored = result.attestations.filter((a): a is StoredBundle => a !== null);
  return [
    `GitHub attestation store of ${result.repository}: ${stored.length} bundle(s) stored.`,
    ...stored.map((a) => `  ${a.reference}  attestation ${a.id} ${a.url}`),
  ].join('\n');
}

/**
 * Stores the bundles of a signing run when the store includes github: the action and the command
 * line both reach the API named by GITHUB_API_URL (the runner sets it; GitHub Enterprise Server has
 * its own), and name the attestation pages after GITHUB_SERVER_URL.
 */
export async function storeIfAsked(
  target: GitHubStoreTarget | undefined,
  report: SigningReport | undefined,
  logger: Logger,
): Promise<StoreResult | undefined> {
  if (target === undefined || report === undefined) return undefined;
  return storeBundles(report, {
    ...target,
    baseUrl: process.env.GITHUB_API_URL || DEFAULT_API_URL,
    serverUrl: process.env.GITHUB_SERVER_URL,
    logger,
  });
}
