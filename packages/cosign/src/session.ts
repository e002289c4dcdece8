import { InputError } from '@release-actions/core';
import type { Credentials } from '@release-actions/oci';
import { credentialsPair, parseReference, RegistryClient } from '@release-actions/oci';
import type { Logger } from '@release-actions/core';
import { rmSync } from 'node:fs';
import type { DockerConfig } from './docker-config.js';
import { writeDockerConfig } from './docker-config.js';
import type { SigningKey } from './key.js';
import { prepareSigningKey } from './key.js';
import { registrySubjectSource } from './oci-source.js';
import { signingRetryPolicy } from './retry.js';
import type { SigningSetup } from './signing.js';
import type { SubjectSource } from './subjects.js';
import type { TrustFileNames } from './trust-files.js';
import { checkTrustedRoot, INPUT_NAMES, readSigningConfig } from './trust-files.js';

export interface SessionOptions {
  /** The references to be signed, and the input they came from. */
  references: readonly string[];
  referenceInput: string;
  key?: string;
  keyPassword?: string;
  registryUsername?: string;
  registryPassword?: string;
  /** Private temporary files (key, Docker config) go under here: RUNNER_TEMP on a runner. */
  tempRoot: string;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
}

export interface Session {
  client: RegistryClient;
  source: SubjectSource;
  key?: SigningKey;
  dockerConfig?: DockerConfig;
  /** Everything to mask in the log and redact from messages. */
  secrets: string[];
  /** Removes the key file and the Docker config written for this step. */
  dispose(): void;
}

/**
 * Registry credentials given as inputs belong to the one registry of the references; they are
 * refused for references on several registries rather than sent to all of them.
 */
export function loginRegistry(references: readonly string[], referenceInput: string): string {
  const registries = new Set<string>();
  for (const reference of references) {
    try {
      registries.add(parseReference(reference).registry);
    } catch (error) {
      throw new InputError(`Input '${referenceInput}': ${(error as Error).message}`);
    }
  }
  if (registries.size !== 1) {
    throw new InputError(
      `Inputs 'registry-username' and 'registry-password' apply to one registry, but '${referenceInput}' names ${registries.size === 0 ? 'none' : [...registries].join(', ')}; sign images of one registry per step, or log in with docker/login-action instead.`,
    );
  }
  return [...registries][0] as string;
}

/** Prepares what sign and attest need: the registry client, the key, the Docker config for cosign. */
export function openSession(options: SessionOptions): Session {
  const login = credentialsPair(options.registryUsername, options.registryPassword);
  if (options.keyPassword !== undefined && options.key === undefined) {
    throw new InputError(`Input 'key-password' needs the 'key' input.`);
  }
  let dockerConfig: DockerConfig | undefined;
  const credentials: Record<string, Credentials> = {};
  if (login !== undefined) {
    const registry = loginRegistry(options.references, options.referenceInput);
    dockerConfig = writeDockerConfig({ registry, ...login }, options.tempRoot, options.logger, options.env);
    credentials[registry] = login;
  }
  let key: SigningKey | undefined;
  try {
    key =
      options.key === undefined
        ? undefined
        : prepareSigningKey(options.key, options.keyPassword, options.tempRoot);
  } catch (error) {
    if (dockerConfig) rmSync(dockerConfig.directory, { recursive: true, force: true });
    throw error;
  }
  const client = new RegistryClient({
    logger: options.logger,
    credentials,
    dockerConfig: { env: options.env ?? process.env },
  });
  return {
    client,
    source: registrySubjectSource(client),
    key,
    dockerConfig,
    secrets: [...(dockerConfig?.secrets ?? []), ...(key?.secrets ?? [])],
    dispose() {
      key?.dispose();
      if (dockerConfig) rmSync(dockerConfig.directory, { recursive: true, force: true });
    },
  };
}

export interface SigningSessionOptions extends SessionOptions {
  requireSignature: boolean;
  bundleDirectory: string;
  /** Called with each secret before anything can print it (the action masks it in the log). */
  mask?: (secret: string) => void;
  /** A private Sigstore deployment's signing config file (cosign --signing-config). */
  signingConfig?: string;
  /** Its trusted root file (cosign --trusted-root). */
  trustedRoot?: string;
  /** How the two files are named in errors (default: the action inputs). */
  trustFileNames?: TrustFileNames;
}

/**
 * Opens a session, hands `body` the signing setup sign and attest share, and always removes the
 * key file and Docker config afterwards, whatever `body` does.
 */
export async function withSigningSession<T>(
  options: SigningSessionOptions,
  body: (setup: SigningSetup & { source: SubjectSource }) => Promise<T>,
): Promise<T> {
  // Checked before anything is written: a wrong file fails with nothing left behind.
  const names = options.trustFileNames ?? INPUT_NAMES;
  const signingConfig =
    options.signingConfig === undefined
      ? undefined
      : readSigningConfig(options.signingConfig, names.signingConfig);
  const trustedRoot =
    options.trustedRoot === undefined ? undefined : checkTrustedRoot(options.trustedRoot, names.trustedRoot);
  if (signingConfig !== undefined && signingConfig.rekorUrls.length === 0) {
    options.logger.notice(
      `The signing config ${signingConfig.file} names no transparency log: the signatures are not logged, and a verifier must opt out of the transparency log to accept them.${trustedRoot === undefined ? ' Without a trusted root, cosign still asks TUF for the public one.' : ''}`,
    );
  }
  const session = openSession(options);
  for (const secret of session.secrets) options.mask?.(secret);
  try {
    return await body({
      source: session.source,
      key: session.key,
      ...(signingConfig ? { signingConfig } : {}),
      ...(trustedRoot ? { trustedRoot } : {}),
      requireSignature: options.requireSignature,
      bundleDirectory: options.bundleDirectory,
      dockerConfigDirectory: session.dockerConfig?.directory,
      secrets: session.secrets,
      retry: signingRetryPolicy(),
      logger: options.logger,
      env: options.env,
    });
  } finally {
    session.dispose();
  }
}
