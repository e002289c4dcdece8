import { InputError, readInputBytes } from '@release-actions/core';
import { statSync } from 'node:fs';
import { tooLargeHeadline } from './entry-size.js';
import type { CosignErrorCode } from './errors.js';

/** cosign's predicate type names we accept (besides a predicate type URI). */
export const PREDICATE_TYPES = [
  'spdxjson',
  'cyclonedx',
  'slsaprovenance',
  'slsaprovenance1',
  'openvex',
  'custom',
] as const;
export type PredicateTypeName = (typeof PREDICATE_TYPES)[number];

/**
 * The largest predicate we send: a DSSE envelope above this is refused by Rekor and GitHub's
 * attestation store, and cosign would only find out after signing. Base64 makes it an entry of
 * about 21.3 MiB, under the 32 MB the public Rekor's load balancer once documented (see
 * entry-size.ts); a log with a smaller limit answers 413, which is reported the same way.
 */
export const MAX_PREDICATE_BYTES = 16 * 1024 * 1024;

/** The predicate type URI cosign writes into the in-toto statement for each name. */
export const PREDICATE_TYPE_URIS: Record<PredicateTypeName, string> = {
  spdxjson: 'https://spdx.dev/Document',
  cyclonedx: 'https://cyclonedx.org/bom',
  slsaprovenance: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance1: 'https://slsa.dev/provenance/v1',
  openvex: 'https://openvex.dev/ns',
  custom: 'https://cosign.sigstore.dev/attestation/v1',
};

/** Checks the `type` value (of `input`): one of the names, or an absolute http(s) URI. */
export function checkPredicateType(value: string, input: string): string {
  const lower = value.toLowerCase();
  const named = PREDICATE_TYPES.find((name) => name === lower);
  if (named) return named;
  let uri: URL | undefined;
  try {
    uri = new URL(value);
  } catch {
    uri = undefined;
  }
  if (uri && (uri.protocol === 'https:' || uri.protocol === 'http:') && !/\s/.test(value)) return value;
  throw new InputError<CosignErrorCode>(
    `"${value}" is not a predicate type; use one of ${PREDICATE_TYPES.join(', ')}, or a predicate type URI (https://…).`,
    { input, code: 'PREDICATE_INVALID' },
  );
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${bytes} bytes`;
}

/**
 * Refuses a predicate that cosign would turn into a bad attestation: too large, not JSON where
 * the type needs JSON, or an SBOM that is not the format its type claims (an SPDX document
 * attested as CycloneDX would mislead every consumer's policy).
 */
export function checkPredicate(file: string, type: string, input: string): void {
  const invalid = (detail: string, code: CosignErrorCode = 'PREDICATE_INVALID') =>
    new InputError<CosignErrorCode>(detail, { input, code });
  let bytes: Buffer;
  try {
    // Read even for a custom type, whose content is not looked at: cosign must not be handed a
    // named pipe or a device to read.
    bytes = readInputBytes<CosignErrorCode>(file, {
      input,
      maxBytes: MAX_PREDICATE_BYTES,
      what: 'a predicate file',
      code: 'PREDICATE_INVALID',
      tooLargeCode: 'ENTRY_TOO_LARGE',
    });
  } catch (error) {
    if (!(error instanceof InputError) || error.code !== 'ENTRY_TOO_LARGE') throw error;
    const size = statSync(file).size;
    throw invalid(
      `${tooLargeHeadline(size)}: ${file} is ${formatBytes(size)} (${size} bytes), over the ${formatBytes(MAX_PREDICATE_BYTES)} (${MAX_PREDICATE_BYTES} bytes) limit for a predicate; attest a smaller document.`,
      'ENTRY_TOO_LARGE',
    );
  }
  if (bytes.length === 0) throw invalid(`${file} is empty.`);
  if (type === 'custom') return;
  let document: unknown;
  try {
    document = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw invalid(
      `${file} is not valid JSON (${(error as Error).message}); a ${type} predicate must be a JSON document.`,
    );
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw invalid(`${file} is not a JSON object; a ${type} predicate must be one.`);
  }
  const fields = document as Record<string, unknown>;
  if (type === 'spdxjson') {
    const version = fields.spdxVersion;
    if (typeof version !== 'string' || !version.startsWith('SPDX-') || typeof fields.SPDXID !== 'string') {
      throw invalid(
        `${file} is not an SPDX JSON document (no spdxVersion "SPDX-…" and SPDXID)${describeFormat(fields)}; attest it with the type that matches its format.`,
      );
    }
  } else if (type === 'cyclonedx') {
    if (fields.bomFormat !== 'CycloneDX') {
      throw invalid(
        `${file} is not a CycloneDX JSON document (bomFormat is not "CycloneDX")${describeFormat(fields)}; attest it with the type that matches its format.`,
      );
    }
  } else if (type === 'openvex') {
    const context = fields['@context'];
    if (typeof context !== 'string' || !context.startsWith('https://openvex.dev/ns')) {
      throw invalid(`${file} is not an OpenVEX document (its @context is not https://openvex.dev/ns…).`);
    }
  }
}

function describeFormat(fields: Record<string, unknown>): string {
  if (fields.bomFormat === 'CycloneDX') return ', it is a CycloneDX document';
  if (typeof fields.spdxVersion === 'string') return ', it is an SPDX document';
  return '';
}
