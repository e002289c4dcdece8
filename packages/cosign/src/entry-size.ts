import { OperationalError } from '@release-actions/core';
import type { CosignErrorCode } from './errors.js';

/**
 * How big an attestation may be for a transparency log, and how to say so when it is not.
 *
 * What the logs accept (checked in their sources):
 * - Rekor v1 (`rekor-server --max_request_body_size`): 0, no limit, by default. The public
 *   instance sits behind a load balancer with its own, undocumented limit (sigstore/rekor#2808):
 *   32 MB once (sigstore/rekor#220), and a 46 MB SBOM fails there with a 502 (sigstore/rekor#2915).
 *   Since sigstore/rekor#2813 an oversized body gets a 413: `[POST /api/v1/log/entries][413]
 *   createLogEntry default {"code":413,"message":"Request Entity Too Large. Limit set to …"}`.
 * - Rekor v2 (rekor-tiles `--max-request-body-size`): 4 MiB by default.
 *
 * cosign sends the whole DSSE envelope: the in-toto statement (the predicate plus a little),
 * base64-encoded, with the signature and the signing certificate.
 */

const MiB = 1024 * 1024;

/**
 * Above this estimated entry size a server error from the log is taken to be about the size:
 * a load balancer answers 502/503 to a body it will not pass, and retrying the same bytes for
 * ten minutes cannot help. It is Rekor v2's default body limit.
 */
export const LARGE_ENTRY_BYTES = 4 * MiB;

/** The statement around the predicate, the signature and the certificate: a generous allowance. */
const ENVELOPE_OVERHEAD_BYTES = 16 * 1024;

/** The request body cosign sends to Rekor for a predicate of this size (base64 of the statement). */
export function estimatedEntryBytes(predicateBytes: number): number {
  return Math.ceil(predicateBytes / 3) * 4 + ENVELOPE_OVERHEAD_BYTES;
}

export function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

/** The phrase every too-large failure starts with, so a reader (and a log search) finds them all. */
export function tooLargeHeadline(predicateBytes: number): string {
  return `attestation too large for the transparency log (${mib(predicateBytes)})`;
}

/** What an attestation call tells runCosign so that it can recognise a size failure. */
export interface EntrySize {
  /** The predicate file's size in bytes. */
  predicateBytes: number;
  /** The predicate and subject, for the message. */
  what: string;
}

/** A Rekor 413, in the forms cosign prints it (go-swagger's line, Rekor's JSON, an ingress page). */
const PAYLOAD_TOO_LARGE = [
  /\/api\/v\d\/log\/entries\]\[413\]/i,
  /"code"\s*:\s*413\b/,
  /\bRequest Entity Too Large\b/i,
  /\bPayload Too Large\b/i,
  /\b(?:status(?: code)?|HTTP\/\d(?:\.\d)?)\s*:?\s*413\b/i,
];

const SERVER_ERROR = [
  /\b(?:status(?: code)?|HTTP\/\d(?:\.\d)?|\]\[|response code|returned)\s*:?\s*5\d\d\b/i,
  /\b5\d\d\s+(?:Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out)\b/i,
  /\b(?:bad gateway|service unavailable|gateway time-?out)\b/i,
];

export function isPayloadTooLarge(stderr: string): boolean {
  return PAYLOAD_TOO_LARGE.some((pattern) => pattern.test(stderr));
}

/** Whether this failure is the entry's size, not a passing fault: then it is not retried. */
export function isSizeFailure(stderr: string, entry: EntrySize | undefined): boolean {
  if (entry === undefined) return false;
  if (isPayloadTooLarge(stderr)) return true;
  return (
    estimatedEntryBytes(entry.predicateBytes) > LARGE_ENTRY_BYTES &&
    SERVER_ERROR.some((pattern) => pattern.test(stderr))
  );
}

const ADVICE =
  'Not retried. Attest a smaller document (an SBOM of fewer files, or without file entries), or attest a digest of it and publish the document beside it.';

export function entryTooLargeError(
  stderr: string,
  entry: EntrySize,
  cause?: unknown,
): OperationalError<CosignErrorCode> {
  const estimate = mib(estimatedEntryBytes(entry.predicateBytes));
  const why = isPayloadTooLarge(stderr)
    ? `the log refused the entry for ${entry.what} (about ${estimate}) with 413 Payload Too Large.`
    : `the log answered a server error to the entry for ${entry.what} (about ${estimate}), above the ${mib(LARGE_ENTRY_BYTES)} a Rekor v2 log accepts by default; a load balancer in front of Rekor answers so to a body it will not pass.`;
  return new OperationalError<CosignErrorCode>(
    `${tooLargeHeadline(entry.predicateBytes)}: ${why} ${ADVICE}`,
    {
      cause,
      code: 'ENTRY_TOO_LARGE',
    },
  );
}
