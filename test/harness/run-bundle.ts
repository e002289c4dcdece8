import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Runs a shipped bundle (`dist/<name>/index.js`) the way GitHub's runner does: inputs as
 * INPUT_* variables, the file commands (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH,
 * GITHUB_STEP_SUMMARY) as files, workflow commands (::error:: ...) on stdout, and a clean
 * environment. Returns what the runner would read back.
 */

/**
 * The repository: the nearest folder above this file that holds our package.json. Not a fixed
 * `../..`, because the benchmarks run this file bundled from node_modules/.cache/.
 */
function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!isOurPackage(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no release-actions package.json above ${import.meta.url}`);
    dir = parent;
  }
  return dir;
}

function isOurPackage(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === '@aotanami/release-actions';
  } catch {
    return false;
  }
}

export const repoRoot = findRepoRoot();
export const fakesBin = path.join(repoRoot, 'test', 'fakes', 'bin');

/** The environment that makes a spawned bundle or CLI resolve .invalid names without DNS (no-dns.mjs). */
export const NO_DNS_ENV = {
  NODE_OPTIONS: `--import ${path.join(repoRoot, 'test', 'harness', 'no-dns-preload.mjs')}`,
};

export interface Annotation {
  level: 'error' | 'warning' | 'notice' | 'debug';
  message: string;
  properties: Record<string, string>;
}

export interface BundleResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  exportedEnv: Record<string, string>;
  addedPath: string[];
  annotations: Annotation[];
  masks: string[];
  /** RUNNER_TEMP of this run, for reading files the action wrote there. */
  runnerTemp: string;
  workspace: string;
  durationMs: number;
}

export interface BundleOptions {
  inputs?: Record<string, string>;
  env?: Record<string, string | undefined>;
  /** Directories put first on PATH (e.g. fakesBin). */
  path?: string[];
  workspace?: string;
  toolCache?: string;
  timeoutMs?: number;
}

/** The runner's name mangling: spaces become underscores, the rest upper-cased; hyphens stay. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/**
 * The scratch folders of this test file's runs. A run's RUNNER_TEMP and workspace are read by the
 * test after the run (bundles, reports), so they are removed once the file is done:
 * test/harness/remove-scratch.ts does that for every test file.
 */
const scratchFolders: string[] = [];

export function removeScratchFolders(): void {
  for (const folder of scratchFolders.splice(0)) rmSync(folder, { recursive: true, force: true });
}

export async function runBundle(name: string, options: BundleOptions = {}): Promise<BundleResult> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), `bundle-${name}-`));
  scratchFolders.push(scratch);
  const files = {
    output: path.join(scratch, 'github_output'),
    env: path.join(scratch, 'github_env'),
    path: path.join(scratch, 'github_path'),
    summary: path.join(scratch, 'step_summary.md'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const runnerTemp = path.join(scratch, 'runner_temp');
  const workspace = options.workspace ?? path.join(scratch, 'workspace');
  const toolCache = options.toolCache ?? path.join(scratch, 'tool_cache');
  for (const dir of [runnerTemp, workspace, toolCache]) mkdirSync(dir, { recursive: true });

  const env: Record<string, string> = {
    PATH: [
      ...(options.path ?? []),
      path.dirname(process.execPath),
      '/usr/local/bin',
      '/usr/bin',
      '/bin',
    ].join(path.delimiter),
    HOME: process.env.HOME ?? scratch,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: files.output,
    GITHUB_ENV: files.env,
    GITHUB_PATH: files.path,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'aotanami/aotanami',
    GITHUB_SERVER_URL: 'https://github.com',
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: toolCache,
    RUNNER_OS: process.platform === 'win32' ? 'Windows' : process.platform === 'darwin' ? 'macOS' : 'Linux',
    RUNNER_ARCH: process.arch === 'arm64' ? 'ARM64' : 'X64',
  };
  for (const [key, value] of Object.entries(options.inputs ?? {})) env[inputVariable(key)] = value;
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }

  const started = performance.now();
  const child = await runNode(path.join(repoRoot, 'dist', name, 'index.js'), [], {
    cwd: workspace,
    env,
    timeoutMs: options.timeoutMs ?? 60_000,
  });
  const durationMs = performance.now() - started;

  const { stdout, stderr } = child;
  const { annotations, masks } = parseWorkflowCommands(stdout);
  return {
    exitCode: child.code,
    stdout,
    stderr,
    outputs: parseFileCommand(readFileSync(files.output, 'utf8')),
    exportedEnv: parseFileCommand(readFileSync(files.env, 'utf8')),
    addedPath: readFileSync(files.path, 'utf8')
      .split('\n')
      .filter((line) => line !== ''),
    summary: readFileSync(files.summary, 'utf8'),
    annotations,
    masks,
    runnerTemp,
    workspace,
    durationMs,
  };
}

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface NodeRunOptions {
  cwd?: string;
  /**
   * The child's environment: this process's PATH and these variables, nothing else (outside any
   * runner: no RUNNER_* or GITHUB_* variables unless given). An undefined value leaves a variable out.
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Killed (SIGKILL) after this long; no limit by default. */
  timeoutMs?: number;
}

/** `node <script> <args>` as a child (no shell); its output and exit code. */
export async function runNode(
  script: string,
  args: readonly string[],
  options: NodeRunOptions = {},
): Promise<ProcessResult> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const child = spawn(process.execPath, [script, ...args], {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer =
    options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Parses GITHUB_OUTPUT / GITHUB_ENV: `name=value` lines and `name<<DELIM` heredocs. */
export function parseFileCommand(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, key, delimiter] = heredoc as unknown as [string, string, string];
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
      result[key] = value.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      result[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return result;
}

function unescapeData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function unescapeProperty(text: string): string {
  return unescapeData(text).replace(/%3A/g, ':').replace(/%2C/g, ',');
}

export function parseWorkflowCommands(stdout: string): { annotations: Annotation[]; masks: string[] } {
  const annotations: Annotation[] = [];
  const masks: string[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^::([a-z-]+)( [^:]*)?::(.*)$/.exec(line);
    if (!match) continue;
    const [, command, props, data] = match as unknown as [string, string, string | undefined, string];
    if (command === 'add-mask') {
      masks.push(unescapeData(data));
      continue;
    }
    if (command !== 'error' && command !== 'warning' && command !== 'notice' && command !== 'debug') continue;
    const properties: Record<string, string> = {};
    for (const pair of (props ?? '').trim().split(',')) {
      const at = pair.indexOf('=');
      if (at > 0) properties[pair.slice(0, at)] = unescapeProperty(pair.slice(at + 1));
    }
    annotations.push({ level: command, message: unescapeData(data), properties });
  }
  return { annotations, masks };
}

export function errors(result: BundleResult): string[] {
  return result.annotations.filter((a) => a.level === 'error').map((a) => a.message);
}
