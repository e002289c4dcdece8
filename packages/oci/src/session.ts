import { InputError } from '@release-actions/core';
import type { Logger } from '@release-actions/core';
import { rmSync } from 'node:fs';
import { RegistryClient } from './client.js';
import { credentialsPair, type Credentials } from './credentials.js';
import { writeDockerConfig, type DockerConfig } from './docker-config.js';
import { parseReference } from './reference.js';

/** How a step logs in to its registry; the registry is known from the step's target. */
export interface RegistryLoginOptions {
  /** A login given as inputs (both or neither): it applies to the one registry of the target. */
  registryUsername?: string;
  registryPassword?: string;
  /** The private Docker config is written under here: RUNNER_TEMP on a runner. */
  tempRoot: string;
  logger: Logger;
  /** Where DOCKER_CONFIG is looked up (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Called with each secret before anything can print it (the action masks it in the log). */
  mask?: (secret: string) => void;
  /**
   * Hands the Docker config on to the steps after this one (the chart action exports it as
   * DOCKER_CONFIG); it is then kept instead of removed.
   */
  exportDockerConfig?: (directory: string) => void;
}

/**
 * What the step reaches in the registry: image references (a login applies to their one
 * registry), or a registry location such as a chart's `ghcr.io/org/charts` (its host). `input`
 * is the input they come from, named in errors.
 */
export type RegistryTarget =
  { references: readonly string[]; input: string } | { location: string; input: string };

export type RegistrySessionOptions = RegistryLoginOptions & RegistryTarget;

export interface RegistrySession {
  client: RegistryClient;
  /** The Docker config holding the login, for cosign (DOCKER_CONFIG) and helm (--registry-config). */
  dockerConfig?: DockerConfig;
  /** The login's password and its base64 form: redacted from everything the tools print. */
  secrets: readonly string[];
}

/**
 * The one registry of the target. A login given as inputs is refused for references on several
 * registries rather than sent to all of them.
 */
export function loginRegistry(target: RegistryTarget): string {
  const { input } = target;
  if ('location' in target) return target.location.replace(/^oci:\/\//, '').split('/')[0] ?? '';
  const registries = new Set(target.references.map((reference) => parseReference(reference, input).registry));
  if (registries.size !== 1) {
    throw new InputError(
      `a registry login applies to one registry, but these references name ${registries.size === 0 ? 'none' : [...registries].join(', ')}; use the images of one registry per step, or log in with docker/login-action instead.`,
      { input },
    );
  }
  return [...registries][0] as string;
}

/**
 * Opens the registry for one step: the client, with the login given as inputs, and a private
 * Docker config holding that login for the tools (cosign, helm) that read one. Runs `fn`, then
 * removes the Docker config whatever `fn` did (unless it was handed on to later steps).
 */
export async function withRegistrySession<T>(
  options: RegistrySessionOptions,
  fn: (session: RegistrySession) => Promise<T>,
): Promise<T> {
  const login = credentialsPair(options.registryUsername, options.registryPassword);
  const credentials: Record<string, Credentials> = {};
  let dockerConfig: DockerConfig | undefined;
  if (login !== undefined) {
    const registry = loginRegistry(options);
    dockerConfig = writeDockerConfig({ registry, ...login }, options.tempRoot, options.logger, options.env);
    for (const secret of dockerConfig.secrets) options.mask?.(secret);
    credentials[registry] = login;
    options.exportDockerConfig?.(dockerConfig.directory);
  }
  const client = new RegistryClient({
    logger: options.logger,
    credentials,
    dockerConfig: { env: options.env ?? process.env },
  });
  try {
    return await fn({
      client,
      ...(dockerConfig ? { dockerConfig } : {}),
      secrets: dockerConfig?.secrets ?? [],
    });
  } finally {
    if (dockerConfig !== undefined && options.exportDockerConfig === undefined) {
      rmSync(dockerConfig.directory, { recursive: true, force: true });
    }
  }
}
