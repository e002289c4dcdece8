import { InputError, mention } from '@release-actions/core';
import { parseReference, withRegistrySession, type RegistryLoginOptions } from '@release-actions/oci';
import path from 'node:path';
import { prepareSigningKey, type SigningKey } from './key.js';
import { registrySubjectSource } from './oci-source.js';
import { signingRetryPolicy } from './retry.js';
import type { SigningSetup, WithoutTokenWords } from './signing.js';
import type { SubjectSource } from './subjects.js';
import { checkTrustedRoot, readSigningConfig, type SigningConfigInfo } from './trust-files.js';

/** What sign and attest take besides their subjects and predicates. */
export interface SigningOptions extends RegistryLoginOptions {
  /** A KMS URI or a PEM private key: key-based signing; keyless when not given. */
  key?: string;
  keyPassword?: string;
  /** Fail instead of skipping when keyless signing has no OIDC token. */
  requireSignature?: boolean;
  /** The front end's words for a missing OIDC token (the action's by default). */
  withoutToken?: WithoutTokenWords;
  /** Directory for the bundle files (default: `sigstore-bundles` under tempRoot). */
  bundleDirectory?: string;
  /** A private Sigstore deployment's signing config file (cosign --signing-config). */
  signingConfig?: string;
  /** Its trusted root file (cosign --trusted-root). */
  trustedRoot?: string;
}

/** The checks both sessions make before anything is written: a wrong file or input fails with nothing left behind. */
function checkSigningInputs(options: SigningOptions): {
  signingConfig?: SigningConfigInfo;
  trustedRoot?: string;
} {
  const signingConfig =
    options.signingConfig === undefined ? undefined : readSigningConfig(options.signingConfig);
  const trustedRoot = options.trustedRoot === undefined ? undefined : checkTrustedRoot(options.trustedRoot);
  if (options.keyPassword !== undefined && options.key === undefined) {
    throw new InputError(`a key password needs ${mention('key')}.`, { input: 'key-password' });
  }
  if (signingConfig !== undefined && signingConfig.rekorUrls.length === 0) {
    options.logger.notice(
      `The signing config ${signingConfig.file} names no transparency log: the signatures are not logged, and a verifier must opt out of the transparency log to accept them.${trustedRoot === undefined ? ' Without a trusted root, cosign still asks TUF for the public one.' : ''}`,
    );
  }
  return { ...(signingConfig ? { signingConfig } : {}), ...(trustedRoot ? { trustedRoot } : {}) };
}

/** Prepares the key, runs `body`, and always removes the key file afterwards. */
async function withKey<T>(
  options: SigningOptions,
  body: (key: SigningKey | undefined) => Promise<T>,
): Promise<T> {
  const key =
    options.key === undefined
      ? undefined
      : prepareSigningKey(options.key, options.keyPassword, options.tempRoot);
  for (const secret of key?.secrets ?? []) options.mask?.(secret);
  try {
    return await body(key);
  } finally {
    key?.dispose();
  }
}

function commonSetup(options: SigningOptions, key: SigningKey | undefined): SigningSetup {
  return {
    key,
    requireSignature: options.requireSignature ?? false,
    ...(options.withoutToken ? { withoutToken: options.withoutToken } : {}),
    bundleDirectory: options.bundleDirectory ?? path.join(options.tempRoot, 'sigstore-bundles'),
    retry: signingRetryPolicy(),
    logger: options.logger,
    env: options.env,
  };
}

/**
 * Opens the registry session, prepares the key, hands `body` the signing setup sign and attest
 * share, and always removes the key file and the Docker config afterwards, whatever `body` does.
 */
export async function withSigningSession<T>(
  options: SigningOptions & { references: readonly string[]; input: string },
  body: (setup: SigningSetup & { source: SubjectSource }) => Promise<T>,
): Promise<T> {
  for (const reference of options.references) parseReference(reference, options.input);
  const trust = checkSigningInputs(options);
  return withRegistrySession(options, (registry) =>
    withKey(options, (key) =>
      body({
        ...commonSetup(options, key),
        ...trust,
        source: registrySubjectSource(registry.client),
        dockerConfigDirectory: registry.dockerConfig?.directory,
        secrets: registry.secrets,
      }),
    ),
  );
}

/**
 * The same setup for signing local files (sign-blob, attest-blob): no registry is reached, so no
 * registry login is read or written.
 */
export async function withFileSigningSession<T>(
  options: SigningOptions,
  body: (setup: SigningSetup) => Promise<T>,
): Promise<T> {
  const trust = checkSigningInputs(options);
  return withKey(options, (key) => body({ ...commonSetup(options, key), ...trust }));
}
