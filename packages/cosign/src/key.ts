import { InputError, type InputFileOptions } from '@release-actions/core';
import type { CosignErrorCode } from './errors.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** KMS schemes cosign resolves itself; the URI names a key, it is not a secret. */
export const KMS_SCHEMES = ['awskms://', 'gcpkms://', 'azurekms://', 'hashivault://', 'k8s://'] as const;

export interface SigningKey {
  /** `--key <value>` for cosign: the KMS URI, or the path of the temporary key file. */
  keyArgument: string;
  /** Environment for cosign: COSIGN_PASSWORD goes here, never on the command line. */
  env: Record<string, string>;
  /** Values to redact from logs and errors. */
  secrets: string[];
  kind: 'kms' | 'pem';
  /** Deletes the temporary key file (idempotent). */
  dispose(): void;
}

/** A private key file as the command line takes it (cosign.key): a few hundred bytes. */
export const SIGNING_KEY_FILE: InputFileOptions<CosignErrorCode> = {
  input: 'key',
  maxBytes: 64 * 1024,
  what: 'a KMS URI or a cosign private key file (cosign.key)',
  code: 'KEY_INVALID',
};

const PEM = /^-----BEGIN [A-Z ]*PRIVATE KEY-----\r?\n[\s\S]+\r?\n-----END [A-Z ]*PRIVATE KEY-----\s*$/;

/**
 * Turns the `key` input into what cosign needs. A PEM key is written to a private (0600) file in
 * its own directory under `tempRoot` (RUNNER_TEMP on a runner), because cosign reads keys from a
 * path; the caller must call dispose() when signing is over, failure or not.
 */
export function prepareSigningKey(
  key: string,
  password: string | undefined,
  tempRoot: string = os.tmpdir(),
): SigningKey {
  const invalid = (detail: string) =>
    new InputError<CosignErrorCode>(detail, { input: 'key', code: 'KEY_INVALID' });
  const value = key.trim();
  const env: Record<string, string> = { COSIGN_PASSWORD: password ?? '' };
  const secrets = password ? [password] : [];
  if (KMS_SCHEMES.some((scheme) => value.startsWith(scheme))) {
    if (/\s/.test(value)) throw invalid('a KMS URI cannot contain white space.');
    return { keyArgument: value, env, secrets, kind: 'kms', dispose: () => undefined };
  }
  if (!PEM.test(value)) {
    throw invalid(
      `give a KMS URI (${KMS_SCHEMES.join(', ')}) or a PEM private key (the content of cosign.key, e.g. from a secret).`,
    );
  }
  const directory = mkdtempSync(path.join(tempRoot, 'cosign-key-'));
  const file = path.join(directory, 'cosign.key');
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return {
    keyArgument: file,
    env,
    secrets: [...secrets, value, ...value.split(/\r?\n/).filter((line) => line.trim().length > 3)],
    kind: 'pem',
    dispose: () => rmSync(directory, { recursive: true, force: true }),
  };
}
