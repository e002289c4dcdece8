import { checkInputFile, type InputFileOptions } from '@release-actions/core';
import type { VerifyErrorCode } from './errors.js';

/** The files verify reads from paths the user gave (docs/errors.md, "Files you give"). */

/** A public key file is a few hundred bytes. */
export const PUBLIC_KEY_FILE: InputFileOptions<VerifyErrorCode> = {
  input: 'key',
  maxBytes: 64 * 1024,
  what: 'a PEM public key file (cosign.pub)',
  code: 'KEY_INVALID',
};

/** A trusted root is a few KiB, the same limit as sign's. */
export const TRUSTED_ROOT_FILE: InputFileOptions<VerifyErrorCode> = {
  input: 'trusted-root',
  maxBytes: 4 * 1024 * 1024,
  what: 'a Sigstore TrustedRoot JSON file',
  code: 'TRUSTED_ROOT_INVALID',
};

/** The files a verification names, checked before any registry or tool is used (they are read later). */
export function checkVerifyFiles(files: { key?: string; trustedRoot?: string }): void {
  if (files.key !== undefined) checkInputFile(files.key, PUBLIC_KEY_FILE);
  if (files.trustedRoot !== undefined) checkInputFile(files.trustedRoot, TRUSTED_ROOT_FILE);
}
