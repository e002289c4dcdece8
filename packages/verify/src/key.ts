import { InputError } from '@release-actions/core';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';

/**
 * Key-based verification: the signatures and attestations are checked against one public key
 * (cosign.pub) instead of a certificate identity. A signature made offline (a signing config with
 * no transparency log) has no log entry; such a signature is accepted only when the consumer
 * opts out of the transparency log, and only with a key: without a log, nothing but the key
 * vouches for it, and a keyless certificate without a log proves nothing after it expires.
 */
export type TransparencyLogMode = 'required' | 'skip';
export const TRANSPARENCY_LOG_MODES = ['required', 'skip'] as const;

/** How the key and the opt-out are named in errors: action inputs, or CLI flags. */
export interface KeyNames {
  key: string;
  transparencyLog: string;
}

export const KEY_INPUT_NAMES: KeyNames = { key: "Input 'key'", transparencyLog: "Input 'transparency-log'" };
export const KEY_FLAG_NAMES: KeyNames = { key: '--key', transparencyLog: '--transparency-log' };

/** The reason a check fails on a signature no log holds, when the log was not opted out of. */
export const NOT_LOGGED =
  'no transparency-log entry: it was signed offline and no log holds it; such a signature is accepted only with the key and transparency-log skip';

/** cosign says only that no entry verified: there is none, or the trusted root lacks its log. */
export const NOT_LOGGED_COSIGN =
  'no verified transparency-log entry (signed offline, or in a log the trusted root does not name); a signature no log holds is accepted only with the key and transparency-log skip';

/** A public key file is a few hundred bytes. */
const MAX_KEY_BYTES = 64 * 1024;

/** Reads a PEM public key file (cosign.pub), or fails with one line naming the input. */
export function readPublicKey(file: string, name = KEY_INPUT_NAMES.key): KeyObject {
  if (!existsSync(file)) throw new InputError(`${name}: ${file} does not exist.`);
  const stats = statSync(file);
  if (!stats.isFile() || stats.size > MAX_KEY_BYTES) {
    throw new InputError(`${name}: ${file} is not a public key file (cosign.pub).`);
  }
  const text = readFileSync(file, 'utf8');
  if (/PRIVATE KEY-----/.test(text)) {
    throw new InputError(
      `${name}: ${file} holds a private key; give the public key (cosign.pub), never the private one.`,
    );
  }
  try {
    return createPublicKey({ key: text, format: 'pem' });
  } catch {
    throw new InputError(
      `${name}: ${file} is not a PEM public key; give the public key cosign generate-key-pair wrote (cosign.pub).`,
    );
  }
}

/** The opt-out is refused without a key: keyless signatures must be in the log. */
export function checkTransparencyLog(
  mode: TransparencyLogMode,
  key: string | undefined,
  names: KeyNames = KEY_INPUT_NAMES,
): void {
  if (mode === 'skip' && key === undefined) {
    throw new InputError(
      `${names.transparencyLog}: skip accepts signatures no transparency log holds, which only a key can vouch for; give ${names.key.replace(/^Input /, 'the input ')} too, or leave it at required.`,
    );
  }
}
