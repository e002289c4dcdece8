import { InputError, OperationalError } from '@release-actions/core';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { OciErrorCode } from './errors.js';
import { canonicalRegistry } from './reference.js';

export interface Credentials {
  username: string;
  password: string;
}

export interface DockerConfigOptions {
  /** Environment to read DOCKER_CONFIG from (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Home directory for the default ~/.docker (default os.homedir()). */
  homeDir?: string;
}

interface AuthEntry {
  auth?: unknown;
  username?: unknown;
  password?: unknown;
  identitytoken?: unknown;
}

interface DockerConfig {
  auths?: Record<string, AuthEntry>;
  credsStore?: unknown;
  credHelpers?: Record<string, unknown>;
}

/** Where `docker login` (and cosign, helm, skopeo after it) keep credentials: $DOCKER_CONFIG/config.json or ~/.docker/config.json. */
export function dockerConfigPath(options: DockerConfigOptions = {}): string {
  const env = options.env ?? process.env;
  const dir = env['DOCKER_CONFIG'];
  if (dir !== undefined && dir !== '') return path.join(dir, 'config.json');
  return path.join(options.homeDir ?? os.homedir(), '.docker', 'config.json');
}

function readConfig(file: string): DockerConfig | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new OperationalError<OciErrorCode>(
      `cannot read Docker config ${file}: ${(error as Error).message}`,
      { code: 'DOCKER_CONFIG_INVALID' },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message can quote the file's content, which holds secrets: keep it out.
    throw new InputError<OciErrorCode>(
      `Docker config ${file} is not valid JSON (expected {"auths": {"<registry>": {"auth": "<base64 user:password>"}}})`,
      { code: 'DOCKER_CONFIG_INVALID' },
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InputError<OciErrorCode>(`Docker config ${file} is not a JSON object`, {
      code: 'DOCKER_CONFIG_INVALID',
    });
  }
  return parsed as DockerConfig;
}

/** What the Docker config says about one registry. */
export interface DockerCredentialLookup {
  file: string;
  credentials?: Credentials;
  /**
   * Why the config has credentials for the registry that cannot be used (a credential helper, an
   * identity token). Only an error once the registry actually asks for authentication.
   */
  unsupported?: string;
}

function decodeEntry(entry: AuthEntry, key: string, file: string): Credentials | string | undefined {
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) {
      throw new InputError<OciErrorCode>(
        `Docker config ${file}: "auths.${key}.auth" is not base64 of "username:password"`,
        { code: 'DOCKER_CONFIG_INVALID' },
      );
    }
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string' && entry.username !== '') {
    return { username: entry.username, password: entry.password };
  }
  if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') {
    // Identity tokens are OAuth2 refresh tokens (Azure, some SSO logins); exchanging them is not implemented.
    return `Docker config ${file} holds an identity token for ${key}, which is not supported; log in with a username and password or token instead`;
  }
  return undefined;
}

/**
 * Looks `registry` up in the Docker config file. Keys are matched by exact host (after stripping
 * a scheme and path and folding Docker Hub's aliases), so credentials for one registry never go
 * to another whose name merely contains it. Credential helpers (`credsStore`, `credHelpers`) are
 * not run; when one is configured for the registry and the file has no usable entry, `unsupported`
 * says so.
 */
export function lookupDockerCredentials(
  registry: string,
  options: DockerConfigOptions = {},
): DockerCredentialLookup {
  const file = dockerConfigPath(options);
  const config = readConfig(file);
  if (config === undefined) return { file };
  const target = canonicalRegistry(registry);

  let unsupported: string | undefined;
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    if (canonicalRegistry(key) !== target || typeof entry !== 'object' || entry === null) continue;
    const found = decodeEntry(entry, key, file);
    if (typeof found === 'object') return { file, credentials: found };
    if (typeof found === 'string') unsupported = found;
  }
  if (unsupported !== undefined) return { file, unsupported };

  const helper =
    Object.entries(config.credHelpers ?? {}).find(([key]) => canonicalRegistry(key) === target)?.[1] ??
    config.credsStore;
  if (typeof helper === 'string' && helper !== '') {
    return {
      file,
      unsupported: `Docker config ${file} keeps the credentials for ${registry} in the credential helper "docker-credential-${helper}", which is not supported; pass the registry username and password as inputs or use a config with an "auths" entry`,
    };
  }
  return { file };
}

/** Credentials for `registry` from the Docker config file, or undefined when it has none usable. */
export function loadDockerCredentials(
  registry: string,
  options: DockerConfigOptions = {},
): Credentials | undefined {
  return lookupDockerCredentials(registry, options).credentials;
}

/**
 * Registry credentials given as a username and password pair (action inputs or CLI flags): both
 * or neither, so a half-given login fails at once instead of reaching the registry anonymously.
 */
export function credentialsPair(
  username: string | undefined,
  password: string | undefined,
): Credentials | undefined {
  if ((username === undefined) !== (password === undefined)) {
    throw new InputError(
      `Inputs 'registry-username' and 'registry-password' go together; give both or neither.`,
    );
  }
  return username !== undefined && password !== undefined ? { username, password } : undefined;
}
