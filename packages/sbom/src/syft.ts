import { OperationalError, run } from '@release-actions/core';
import type { Logger, RunOptions, RunResult } from '@release-actions/core';
import type { SbomErrorCode } from './errors.js';

/** Registry credentials; they reach syft only through its environment, never its arguments. */
export interface RegistryCredentials {
  /** Registry host the credentials are for; without it syft offers them to any registry. */
  authority?: string;
  username?: string;
  password?: string;
  token?: string;
}

export interface SyftOptions {
  /** The syft executable (default `syft` from PATH). */
  command?: string;
  logger: Logger;
  credentials?: RegistryCredentials;
  timeoutMs?: number;
}

/**
 * Environment for syft. Everything else, including the user's own SYFT_* settings, is inherited;
 * the update check is always off, as it is a network call that changes nothing in a build. Colour
 * is off too: syft paints its error message with ANSI escapes whenever TERM is set, even into a
 * pipe, and that message becomes our error line and the run's annotation.
 *
 * Nothing tells syft that a registry speaks plain HTTP: go-containerregistry falls back to HTTP by
 * itself for loopback (and private) addresses, the only ones our registry client reads over HTTP.
 */
export function syftEnvironment(credentials: RegistryCredentials = {}): Record<string, string> {
  const env: Record<string, string> = { SYFT_CHECK_FOR_APP_UPDATE: 'false', NO_COLOR: '1' };
  if (credentials.authority) env.SYFT_REGISTRY_AUTH_AUTHORITY = credentials.authority;
  if (credentials.username) env.SYFT_REGISTRY_AUTH_USERNAME = credentials.username;
  if (credentials.password) env.SYFT_REGISTRY_AUTH_PASSWORD = credentials.password;
  if (credentials.token) env.SYFT_REGISTRY_AUTH_TOKEN = credentials.token;
  return env;
}

function secretsOf(credentials: RegistryCredentials = {}): string[] {
  return [credentials.password, credentials.token].filter((s): s is string => !!s);
}

/**
 * The runner hands an action its inputs as INPUT_* variables, a password among them; syft needs
 * none of them, so it does not get them (the credentials it needs come as SYFT_REGISTRY_AUTH_*).
 */
function withoutActionInputs(env: Record<string, string>): Record<string, string | undefined> {
  const cleaned: Record<string, string | undefined> = {};
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) cleaned[key] = undefined;
  return { ...cleaned, ...env };
}

function syftFailed(message: string, cause?: unknown): OperationalError<SbomErrorCode> {
  return new OperationalError<SbomErrorCode>(message, { code: 'SYFT_FAILED', cause });
}

/** Runs syft; a failure to start, a timeout or an error exit carries the code SYFT_FAILED. */
async function runSyft(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  try {
    return await run(command, args, options);
  } catch (error) {
    throw syftFailed(error instanceof Error ? error.message : String(error), error);
  }
}

/** The version syft reports (`syft version -o json`), e.g. `1.54.1`. */
export async function syftVersion(options: SyftOptions): Promise<string> {
  const result = await runSyft(options.command ?? 'syft', ['version', '-o', 'json'], {
    logger: options.logger,
    env: withoutActionInputs(syftEnvironment()),
    timeoutMs: 60_000,
  });
  let version: unknown;
  try {
    version = (JSON.parse(result.stdout) as { version?: unknown }).version;
  } catch {
    version = undefined;
  }
  if (typeof version !== 'string' || version === '') {
    const shown = result.stdout.trim().replace(/\s+/g, ' ').slice(0, 200) || '(nothing)';
    throw syftFailed(`syft version -o json printed no version: ${shown}`);
  }
  return version.replace(/^v/, '');
}

/** `syft scan <source> -o <format>=<file> ...`: one catalogue pass writes every file. */
export function scanArguments(
  syftSource: string,
  outputs: readonly { format: string; file: string }[],
  extra: { platform?: string } = {},
): string[] {
  const args = ['scan', syftSource];
  for (const output of outputs) args.push('-o', `${output.format}=${output.file}`);
  // One argument, so a value can never be read as a flag of its own.
  if (extra.platform) args.push(`--platform=${extra.platform}`);
  return args;
}

export async function runSyftScan(args: readonly string[], options: SyftOptions): Promise<void> {
  await runSyft(options.command ?? 'syft', args, {
    logger: options.logger,
    env: withoutActionInputs(syftEnvironment(options.credentials)),
    secrets: secretsOf(options.credentials),
    timeoutMs: options.timeoutMs ?? 30 * 60 * 1000,
    streamStderr: true,
  });
}
