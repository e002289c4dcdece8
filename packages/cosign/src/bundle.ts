import { OperationalError } from '@release-actions/core';
import { readFileSync } from 'node:fs';
import type { CosignErrorCode } from './errors.js';

/** What we report about a Sigstore bundle cosign wrote (v0.3: verificationMaterial.tlogEntries). */
export interface BundleInfo {
  mediaType?: string;
  /** Rekor log index of the first transparency-log entry, when the bundle has one. */
  logIndex?: number;
  integratedTime?: number;
  /** e.g. "dsse" or "hashedrekord". */
  entryKind?: string;
  /** The log's id (logId.keyId, base64) of that entry. */
  logId?: string;
}

export const REKOR_SEARCH_URL = 'https://search.sigstore.dev/?logIndex=';

export function rekorUrl(logIndex: number): string {
  return `${REKOR_SEARCH_URL}${logIndex}`;
}

function toNumber(value: unknown): number | undefined {
  // The protobuf JSON mapping writes int64 as strings; older bundles wrote numbers.
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) {
    const parsed = Number(value);
    if (Number.isSafeInteger(parsed)) return parsed;
  }
  return undefined;
}

export function parseBundle(text: string, file = 'bundle'): BundleInfo {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new OperationalError<CosignErrorCode>(
      `cosign wrote ${file}, but it is not JSON: ${(error as Error).message}`,
      { code: 'BUNDLE_INVALID' },
    );
  }
  if (typeof document !== 'object' || document === null) {
    throw new OperationalError<CosignErrorCode>(`cosign wrote ${file}, but it is not a Sigstore bundle.`, {
      code: 'BUNDLE_INVALID',
    });
  }
  const bundle = document as {
    mediaType?: unknown;
    verificationMaterial?: { tlogEntries?: unknown };
  };
  const entries = Array.isArray(bundle.verificationMaterial?.tlogEntries)
    ? (bundle.verificationMaterial.tlogEntries as Record<string, unknown>[])
    : [];
  const first = entries[0];
  const kindVersion = first?.kindVersion as { kind?: unknown } | undefined;
  const logId = (first?.logId as { keyId?: unknown } | undefined)?.keyId;
  return {
    logId: typeof logId === 'string' && logId !== '' ? logId : undefined,
    mediaType: typeof bundle.mediaType === 'string' ? bundle.mediaType : undefined,
    // The protobuf JSON mapping omits a zero: an entry without logIndex is the log's first (Rekor v2's new logs).
    logIndex: first === undefined ? undefined : first.logIndex === undefined ? 0 : toNumber(first.logIndex),
    integratedTime: toNumber(first?.integratedTime),
    entryKind: typeof kindVersion?.kind === 'string' ? kindVersion.kind : undefined,
  };
}

export function readBundle(file: string): BundleInfo {
  return parseBundle(readFileSync(file, 'utf8'), file);
}
