// Shared behaviour of the fake tools in bin/. Each call appends one JSON line to $FAKE_LOG:
//   {"tool":"cosign","argv":[...],"cwd":"...","env":{...}}  (env: only the names in $FAKE_RECORD_ENV)
// and is then answered as configured by environment variables (TOOL = upper-case tool name,
// with '-' as '_', e.g. SLSA_VERIFIER):
//   FAKE_TOOL_EXIT=n          exit code (default 0)
//   FAKE_TOOL_STDERR=text     written to stderr
//   FAKE_TOOL_STDOUT_FILE=f   file copied to stdout
//   FAKE_TOOL_FAIL_TIMES=n    the first n calls exit with FAKE_TOOL_FAIL_EXIT (default 1) and
//                             FAKE_TOOL_FAIL_STDERR; later calls behave normally (retry tests).
//                             Calls are counted in $FAKE_LOG.count.<tool>.
// The tool-specific scripts in bin/ add what the real tool writes (files named by -o, etc.).
import { appendFileSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const upstream = path.join(repoRoot, 'test', 'fixtures', 'upstream');

function key(tool) {
  return tool.toUpperCase().replace(/-/g, '_');
}

export function setting(tool, name) {
  return process.env[`FAKE_${key(tool)}_${name}`];
}

export function record(tool, argv) {
  const log = process.env.FAKE_LOG;
  if (!log) return;
  const env = {};
  for (const name of (process.env.FAKE_RECORD_ENV ?? '').split(',').filter(Boolean)) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  appendFileSync(log, `${JSON.stringify({ tool, argv, cwd: process.cwd(), env })}\n`);
}

/** Counts this call; returns true when it is one of the first FAIL_TIMES calls, which must fail. */
function shouldFail(tool) {
  const times = Number(setting(tool, 'FAIL_TIMES') ?? 0);
  if (times <= 0 || !process.env.FAKE_LOG) return false;
  const counter = `${process.env.FAKE_LOG}.count.${tool}`;
  const calls = existsSync(counter) ? Number(readFileSync(counter, 'utf8')) : 0;
  writeFileSync(counter, String(calls + 1));
  return calls < times;
}

/**
 * Records the call and applies the generic settings. Returns false when the call was answered
 * with a configured failure (the caller must then stop), true when the tool should go on.
 */
export function begin(tool, argv) {
  record(tool, argv);
  if (shouldFail(tool)) {
    process.stderr.write(setting(tool, 'FAIL_STDERR') ?? `${tool}: simulated failure\n`);
    process.exitCode = Number(setting(tool, 'FAIL_EXIT') ?? 1);
    return false;
  }
  const stderr = setting(tool, 'STDERR');
  if (stderr) process.stderr.write(stderr.endsWith('\n') ? stderr : `${stderr}\n`);
  const stdoutFile = setting(tool, 'STDOUT_FILE');
  if (stdoutFile) process.stdout.write(readFileSync(stdoutFile));
  const exit = Number(setting(tool, 'EXIT') ?? 0);
  if (exit !== 0) {
    process.exitCode = exit;
    return false;
  }
  return true;
}

/** Value of `--flag value` or `--flag=value` (last one wins), or undefined. */
export function flag(argv, name) {
  let value;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === name) value = argv[i + 1];
    else if (argv[i].startsWith(`${name}=`)) value = argv[i].slice(name.length + 1);
  }
  return value;
}

/** Every value of a repeatable flag. */
export function flags(argv, ...names) {
  const values = [];
  for (let i = 0; i < argv.length; i++) {
    for (const name of names) {
      if (argv[i] === name) values.push(argv[i + 1]);
      else if (argv[i].startsWith(`${name}=`)) values.push(argv[i].slice(name.length + 1));
    }
  }
  return values;
}
