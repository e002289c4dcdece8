import { InputError } from '@release-actions/core';
import { existsSync, readFileSync, statSync } from 'node:fs';

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

function readDocument(file: string, name: string, what: string): Record<string, unknown> {
  if (!existsSync(file)) throw new InputError(`${name}: ${file} does not exist.`);
  const stats = statSync(file);
  if (!stats.isFile()) throw new InputError(`${name}: ${file} is not a regular file.`);
  if (stats.size > MAX_TRUST_FILE_BYTES) {
    throw new InputError(`${name}: ${file} is ${stats.size} bytes; a ${what} is a few KiB.`);
  }
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    // JSON.parse quotes the text it choked on, newlines and all; the error stays one line.
    const reason = (error as Error).message.replace(/\s+/g, ' ').trim();
    throw new InputError(`${name}: ${file} is not JSON (${reason}); give a ${what}.`);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new InputError(`${name}: ${file} is not a ${what} (not a JSON object).`);
  }
  return document as Record<string, unknown>;
}

function checkMediaType(
  document: Record<string, unknown>,
  file: string,
  name: string,
  expected: string,
  made: string,
): void {
  const mediaType = document['mediaType'];
  if (mediaType !== expected) {
    throw new InputError(
      `${name}: ${file} has mediaType ${JSON.stringify(mediaType ?? null)}; cosign v3 reads only "${expected}" (as \`${made}\` writes).`,
    );
  }
}

function urls(document: Record<string, unknown>, field: string, file: string, name: string): string[] {
  const value = document[field];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InputError(`${name}: ${file}: ${field} is not a list of services.`);
  return value.map((service: unknown) => {
    const url = (service as { url?: unknown } | null)?.url;
    if (typeof url !== 'string' || url === '') {
      throw new InputError(`${name}: ${file}: an entry of ${field} has no url.`);
    }
    return url;
  });
}

/** Reads and checks a signing config file; `name` is the input or flag, for the error line. */
export function readSigningConfig(file: string, name = "Input 'signing-config'"): SigningConfigInfo {
  const document = readDocument(file, name, 'Sigstore signing config');
  checkMediaType(document, file, name, SIGNING_CONFIG_MEDIA_TYPE, 'cosign signing-config create');
  return {
    file,
    rekorUrls: urls(document, 'rekorTlogUrls', file, name),
    tsaUrls: urls(document, 'tsaUrls', file, name),
    caUrls: urls(document, 'caUrls', file, name),
  };
}

/** Checks a trusted root file; `name` is the input or flag, for the error line. */
export function checkTrustedRoot(file: string, name = "Input 'trusted-root'"): string {
  const document = readDocument(file, name, 'Sigstore trusted root');
  checkMediaType(document, file, name, TRUSTED_ROOT_MEDIA_TYPE, 'cosign trusted-root create');
  return file;
}

/** The names the two files go by in error lines: action inputs, or CLI flags. */
export interface TrustFileNames {
  signingConfig: string;
  trustedRoot: string;
}

export const INPUT_NAMES: TrustFileNames = {
  signingConfig: "Input 'signing-config'",
  trustedRoot: "Input 'trusted-root'",
};

export const FLAG_NAMES: TrustFileNames = {
  signingConfig: '--signing-config',
  trustedRoot: '--trusted-root',
};
