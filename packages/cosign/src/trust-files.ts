import { InputError, readInputFile } from '@release-actions/core';
import type { CosignErrorCode } from './errors.js';

/**
 * The two files a private Sigstore deployment (or an offline signer) hands cosign instead of the
 * public-good instance fetched through TUF: a signing config (which Fulcio, Rekor and timestamp
 * authority to use) and a trusted root (their keys and certificates). These are the media types
 * `cosign signing-config create` and `cosign trusted-root create` write (sigstore-go
 * root.SigningConfigMediaType02 and root.TrustedRootMediaType01), the only ones cosign v3 reads.
 */
export const SIGNING_CONFIG_MEDIA_TYPE = 'application/vnd.dev.sigstore.signingconfig.v0.2+json';
export const TRUSTED_ROOT_MEDIA_TYPE = 'application/vnd.dev.sigstore.trustedroot+json;version=0.1';

/** Both files are a few KiB; anything far larger is not one. */
const MAX_TRUST_FILE_BYTES = 4 * 1024 * 1024;

export interface SigningConfigInfo {
  file: string;
  /** Base URLs of the transparency logs it names (none: signatures are not logged). */
  rekorUrls: string[];
  /** Base URLs of the timestamp authorities it names. */
  tsaUrls: string[];
  /** Base URLs of the certificate authorities (Fulcio) it names. */
  caUrls: string[];
}

function invalid(detail: string, input: string): InputError<CosignErrorCode> {
  return new InputError<CosignErrorCode>(detail, { input, code: 'TRUST_FILE_INVALID' });
}

function readDocument(file: string, input: string, what: string): Record<string, unknown> {
  const text = readInputFile<CosignErrorCode>(file, {
    input,
    maxBytes: MAX_TRUST_FILE_BYTES,
    what: `a ${what}`,
    code: 'TRUST_FILE_INVALID',
  });
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    // JSON.parse quotes the text it choked on, newlines and all; the error stays one line.
    const reason = (error as Error).message.replace(/\s+/g, ' ').trim();
    throw invalid(`${file} is not JSON (${reason}); give a ${what}.`, input);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw invalid(`${file} is not a ${what} (not a JSON object).`, input);
  }
  return document as Record<string, unknown>;
}

function checkMediaType(
  document: Record<string, unknown>,
  file: string,
  input: string,
  expected: string,
  made: string,
): void {
  const mediaType = document['mediaType'];
  if (mediaType !== expected) {
    throw invalid(
      `${file} has mediaType ${JSON.stringify(mediaType ?? null)}; cosign v3 reads only "${expected}" (as \`${made}\` writes).`,
      input,
    );
  }
}

function urls(document: Record<string, unknown>, field: string, file: string, input: string): string[] {
  const value = document[field];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(`${file}: ${field} is not a list of services.`, input);
  return value.map((service: unknown) => {
    const url = (service as { url?: unknown } | null)?.url;
    if (typeof url !== 'string' || url === '') {
      throw invalid(`${file}: an entry of ${field} has no url.`, input);
    }
    return url;
  });
}

/** Reads and checks a signing config file (the `signing-config` input). */
export function readSigningConfig(file: string): SigningConfigInfo {
  const input = 'signing-config';
  const document = readDocument(file, input, 'Sigstore signing config');
  checkMediaType(document, file, input, SIGNING_CONFIG_MEDIA_TYPE, 'cosign signing-config create');
  return {
    file,
    rekorUrls: urls(document, 'rekorTlogUrls', file, input),
    tsaUrls: urls(document, 'tsaUrls', file, input),
    caUrls: urls(document, 'caUrls', file, input),
  };
}

/** Checks a trusted root file (the `trusted-root` input). */
export function checkTrustedRoot(file: string): string {
  const input = 'trusted-root';
  const document = readDocument(file, input, 'Sigstore trusted root');
  checkMediaType(document, file, input, TRUSTED_ROOT_MEDIA_TYPE, 'cosign trusted-root create');
  return file;
}
