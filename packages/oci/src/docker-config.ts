import { InputError } from '@release-actions/core';
import type { Logger } from '@release-actions/core';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dockerConfigPath } from './credentials.js';
import { canonicalRegistry, DEFAULT_REGISTRY } from './reference.js';

export interface RegistryLogin {
  /** Registry host (and port), e.g. ghcr.io or 127.0.0.1:5000. */
  registry: string;
  username: string;
  password: string;
}

export interface DockerConfig {
  /** The directory to export as DOCKER_CONFIG (cosign, helm, docker and crane all read it). */
  directory: string;
  file: string;
  /** The password and its base64 form: both must be masked and redacted. */
  secrets: string[];
}

/** Docker Hub credentials live under this historical key. */
function configKey(registry: string): string {
  return canonicalRegistry(registry) === DEFAULT_REGISTRY ? 'https://index.docker.io/v1/' : registry;
}

/**
 * Writes a Docker config holding `login` merged over the one in effect, in a new private
 * directory under `tempRoot`. The credentials go to the tools through this file, never through
 * their command lines, where they would show in process listings and logs.
 */
export function writeDockerConfig(
  login: RegistryLogin,
  tempRoot: string,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): DockerConfig {
  if (login.username.includes(':')) {
    throw new InputError('a user name cannot contain ":".', { input: 'registry-username' });
  }
  const existing = dockerConfigPath({ env });
  let config: Record<string, unknown> = {};
  if (existsSync(existing)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(existing, 'utf8'));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        config = parsed as Record<string, unknown>;
      }
    } catch {
      logger.warning(`${existing} is not valid JSON; starting from an empty Docker config.`);
    }
  }
  const key = configKey(login.registry);
  const auth = Buffer.from(`${login.username}:${login.password}`).toString('base64');
  const auths = { ...((config.auths as Record<string, unknown> | undefined) ?? {}) };
  auths[key] = { auth };
  config.auths = auths;
  // A credential helper for this registry, or a store for all, would be asked instead of `auths`.
  const helpers = config.credHelpers as Record<string, unknown> | undefined;
  if (helpers && key in helpers) {
    const rest = { ...helpers };
    delete rest[key];
    config.credHelpers = rest;
  }
  if (config.credsStore !== undefined) {
    logger.warning(
      `The Docker config's credsStore "${String(config.credsStore)}" is not used by this step, so that the given registry credentials apply.`,
    );
    delete config.credsStore;
  }
  const directory = mkdtempSync(path.join(tempRoot, 'docker-config-'));
  const file = path.join(directory, 'config.json');
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return { directory, file, secrets: [login.password, auth] };
}
