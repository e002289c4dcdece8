import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A real OCI registry on loopback: Debian's `docker-registry` (distribution 2.8), optionally
 * behind htpasswd (bcrypt) Basic auth. It has no referrers API and serves OCI manifests only to
 * clients that accept them, like many registries users push to.
 *
 * The binaries come from `.ci/run` (apt-get install docker-registry skopeo umoci apache2-utils);
 * when they are missing the tests fail, saying so, rather than skip.
 */
export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export interface RegistryOptions {
  /** Require these credentials (htpasswd, bcrypt) for every request. */
  auth?: { username: string; password: string };
}

export interface Registry {
  /** `127.0.0.1:<port>`: the registry part of image references. */
  host: string;
  port: number;
  url: string;
  dir: string;
  /** Everything the registry logged so far. */
  log(): string;
  stop(): Promise<void>;
}

export function requireTool(binary: string, aptPackage: string): void {
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined) {
    throw new Error(
      `${binary} is not installed (${probe.error.message}); the real-registry tests need it: .ci/run installs it with apt-get install -y ${aptPackage}`,
    );
  }
}

export function htpasswdLine(username: string, password: string): string {
  requireTool('/usr/bin/htpasswd', 'apache2-utils');
  // -i reads the password from stdin, so it never appears in a process listing.
  const result = spawnSync('/usr/bin/htpasswd', ['-n', '-i', '-B', username], {
    input: password,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`htpasswd failed: ${result.stderr}`);
  return result.stdout.trim();
}

export async function startRegistry(options: RegistryOptions = {}): Promise<Registry> {
  requireTool(REGISTRY_BINARY, 'docker-registry');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-'));
  const lines = [
    'version: 0.1',
    'log:',
    '  level: info',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(path.join(dir, 'data'))}`,
    '  delete:',
    '    enabled: true',
    'http:',
    // Port 0: the kernel picks a free port and the registry logs which ("listening on …").
    '  addr: 127.0.0.1:0',
    '  secret: loopback-test-registry',
  ];
  if (options.auth !== undefined) {
    const file = path.join(dir, 'htpasswd');
    writeFileSync(file, `${htpasswdLine(options.auth.username, options.auth.password)}\n`);
    lines.push('auth:', '  htpasswd:', '    realm: test-registry', `    path: ${JSON.stringify(file)}`);
  }
  const config = path.join(dir, 'config.yml');
  writeFileSync(config, `${lines.join('\n')}\n`);

  const child = spawn(REGISTRY_BINARY, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));

  let port: number;
  try {
    port = await waitForPort(child, () => output, 10_000);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const host = `127.0.0.1:${port}`;
  return {
    host,
    port,
    url: `http://${host}`,
    dir,
    log: () => output,
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function waitForPort(child: ChildProcess, output: () => string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(check, 20);
    const deadline = setTimeout(
      () => finish(new Error(`docker-registry did not start within ${timeoutMs} ms:\n${output()}`)),
      timeoutMs,
    );
    child.once('exit', (code) => finish(new Error(`docker-registry exited with ${code}:\n${output()}`)));
    function check(): void {
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(output());
      if (match?.[1] !== undefined) finish(undefined, Number(match[1]));
    }
    function finish(error?: Error, port?: number): void {
      clearInterval(timer);
      clearTimeout(deadline);
      if (error !== undefined) reject(error);
      else resolve(port as number);
    }
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
