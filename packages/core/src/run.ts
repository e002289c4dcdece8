import { OperationalError } from './errors.js';
import { spawn } from 'node:child_process';
import type { Logger } from './logger.js';
import { silentLogger } from './logger.js';
import { redact } from './redact.js';

/**
 * Runs a tool: never through a shell, arguments as an array, with a timeout, captured output,
 * and secrets redacted from everything logged or thrown.
 */
export interface RunOptions {
  cwd?: string;
  /** Added to (or, with `undefined`, removed from) the inherited environment. */
  env?: Record<string, string | undefined>;
  /** Default 10 minutes; the process (and its group) is killed when it passes. */
  timeoutMs?: number;
  /** Values to redact from the logged command line, output and errors (tokens, passwords). */
  secrets?: readonly string[];
  logger?: Logger;
  /** Exit codes that are not failures (default [0]). */
  okExitCodes?: readonly number[];
  /** Text written to the tool's standard input. */
  stdin?: string;
  /** Stream the tool's stderr to the logger line by line (progress of long runs). */
  streamStderr?: boolean;
}

export interface RunResult {
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** A tool exited with a code the caller did not accept; carries the redacted result. */
export class ToolExitError extends OperationalError {
  override readonly name: string = 'ToolExitError';
  constructor(
    message: string,
    readonly result: RunResult,
  ) {
    super(message);
  }
}

const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;

/** Quotes an argument for display only (it is never given to a shell). */
function displayArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function formatCommand(
  tool: string,
  args: readonly string[],
  secrets: readonly string[] = [],
): string {
  return redact([tool, ...args].map(displayArg).join(' '), secrets);
}

function lastLines(text: string, count: number): string {
  return text.trim().split(/\r?\n/).slice(-count).join(' | ');
}

export async function run(
  tool: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const logger = options.logger ?? silentLogger;
  const secrets = options.secrets ?? [];
  const command = formatCommand(tool, args, secrets);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  logger.info(`$ ${command}`);

  const env: Record<string, string | undefined> = { ...process.env };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }

  const started = performance.now();
  const child = spawn(tool, [...args], {
    cwd: options.cwd,
    env,
    shell: false,
    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let pendingLine = '';
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(chunk);
    if (!options.streamStderr) return;
    const lines = (pendingLine + chunk.toString('utf8')).split(/\r?\n/);
    pendingLine = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') logger.info(redact(line, secrets));
  });
  if (options.stdin !== undefined) child.stdin?.end(options.stdin);

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);

  const exit = await new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ code: null, error }));
    child.once('close', (code) => resolve({ code }));
  });
  clearTimeout(timer);

  const result: RunResult = {
    command,
    exitCode: exit.code ?? -1,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
    durationMs: performance.now() - started,
  };
  if (exit.error?.code === 'ENOENT') {
    throw new OperationalError(
      `${tool} was not found on PATH; install it with the setup action or \`release-actions install ${tool}\`.`,
    );
  }
  if (exit.error)
    throw new OperationalError(`${tool} could not be started: ${redact(exit.error.message, secrets)}`);
  if (timedOut) {
    throw new ToolExitError(
      `${tool} did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped.`,
      result,
    );
  }
  if (!(options.okExitCodes ?? [0]).includes(result.exitCode)) {
    const detail = lastLines(redact(result.stderr, secrets), 3);
    throw new ToolExitError(`${tool} exited with code ${result.exitCode}${detail ? `: ${detail}` : ''}`, {
      ...result,
      stdout: redact(result.stdout, secrets),
      stderr: redact(result.stderr, secrets),
    });
  }
  return result;
}
