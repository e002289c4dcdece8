import { InputError, readInputFile } from '@release-actions/core';
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { VerifyErrorCode } from './errors.js';
import { PUBLIC_KEY_FILE } from './input-files.js';

/**
 * Key-based verification: the signatures and attestations are checked against one public key
 * (cosign.pub) instead of a certificate identity. A signature made offline (a signing config with
 * no transparency log) has no log entry; such a signature is accepted only when the consumer
 * opts out of the transparency log, and only with a key: without a log, nothing but the key
 * vouches for it, and a keyless certificate without a log proves nothing after it expires.
 */
export type TransparencyLogMode = 'required' | 'skip';
export const TRANSPARENCY_LOG_MODES = ['required', 'skip'] as const;

/** The reason a check fails on a signature no log holds, when the log was not opted out of. */
export const NOT_LOGGED =
  'no transparency-log entry: it was signed offline and no log holds it; such a signature is accepted only with the key and transparency-log skip';

/** cosign says only that no entry verified: there is none, or the trusted root lacks its log. */
export const NOT_LOGGED_COSIGN =
  'no verified transparency-log entry (signed offline, or in a log the trusted root does not name); a signature no log holds is accepted only with the key and transparency-log skip';

/** Reads a PEM public key file (cosign.pub), or fails with one line naming the input. */
export function readPublicKey(file: string): KeyObject {
  const options = { input: 'key', code: 'KEY_INVALID' } as const;
  const text = readInputFile(file, PUBLIC_KEY_FILE);
  if (/PRIVATE KEY-----/.test(text)) {
    throw new InputError<VerifyErrorCode>(
      `${file} holds a private key; give the public key (cosign.pub), never the private one.`,
      options,
    );
  }
  try {
    return createPublicKey({ key: text, format: 'pem' });
  } catch {
    throw new InputError<VerifyErrorCode>(
      `${file} is not a PEM public key; give the public key cosign generate-key-pair wrote (cosign.pub).`,
      options,
    );
  }
}

/** The opt-out is refused without a key: keyless signatures must be in the log. */
export function checkTransparencyLog(mode: TransparencyLogMode, key: string | undefined): void {
  if (mode === 'skip' && key === undefined) {
    throw new InputError(
      'skip accepts signatures no transparency log holds, which only a key can vouch for; give the key too, or leave it at required.',
      { input: 'transparency-log' },
    );
  }
}
