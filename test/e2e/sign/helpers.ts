import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fakesBin, runBundle, type BundleOptions, type BundleResult } from '../../harness/run-bundle.js';
import { readCalls, type Call } from '../../harness/run-cli.js';

export type { Call } from '../../harness/run-cli.js';

export interface FakeRun extends BundleResult {
  calls: Call[];
  log: string;
}

/** A runner environment in which keyless signing has an OIDC token (never fetched: cosign is fake). */
export const OIDC_ENV = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/oidc-token-never-requested',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token',
};

/**
 * Runs an action bundle with the fake tools first on PATH, an empty Docker config (so nothing
 * from this machine's ~/.docker leaks in) and retries a few milliseconds apart.
 */
export async function runWithFakes(
  name: string,
  options: BundleOptions & { oidc?: boolean } = {},
): Promise<FakeRun> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), `fake-${name}-`));
  const log = path.join(scratch, 'calls.jsonl');
  const result = await runBundle(name, {
    ...options,
    path: [fakesBin, ...(options.path ?? [])],
    env: {
      FAKE_LOG: log,
      DOCKER_CONFIG: mkdtempSync(path.join(scratch, 'docker-')),
      RELEASE_ACTIONS_RETRY_DELAY_MS: '5',
      ...(options.oidc === false ? {} : OIDC_ENV),
      ...options.env,
    },
  });
  return { ...result, calls: readCalls(log), log: existsSync(log) ? readFileSync(log, 'utf8') : '' };
}

/** Everything a person or a log collector could see of a run, except the mask commands the runner consumes. */
export function visibleText(run: FakeRun): string {
  const stdout = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  return [stdout, run.stderr, run.summary, JSON.stringify(run.outputs), JSON.stringify(run.exportedEnv)].join(
    '\n',
  );
}

export function notices(run: BundleResult): string[] {
  return run.annotations.filter((a) => a.level === 'notice').map((a) => a.message);
}

export function errorLines(run: BundleResult): string[] {
  return run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
}

export function json<T>(text: string | undefined): T {
  return JSON.parse(text ?? 'null') as T;
}
