import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * A Go service of the stack as a child process in its own process group (so that stopping it
 * also ends anything it started), its output kept for the error message when it fails to come up.
 */
export interface Service {
  name: string;
  child: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1 (the kernel's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const LOG_LIMIT = 200_000;

export function startService(name: string, binary: string, args: string[], cwd: string): Service {
  const child = spawn(binary, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > LOG_LIMIT) output = output.slice(-LOG_LIMIT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (error) => keep(Buffer.from(`spawn failed: ${error.message}\n`)));
  return {
    name,
    child,
    log: () => output,
    stop: () => stopGroup(child),
  };
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function stopGroup(child: ChildProcess): Promise<void> {
  if (exited(child) || child.pid === undefined) return Promise.resolve();
  const pid = child.pid;
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      clearTimeout(force);
      resolve();
    }
  });
}

/** Polls `probe` until it returns true; fails with the service's log when it exits or time runs out. */
export async function waitUntil(
  service: Service,
  probe: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited(service.child)) {
      throw new Error(
        `${service.name} exited (${service.child.exitCode ?? service.child.signalCode}) before it was ready:\n${service.log()}`,
      );
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(`${service.name} was not ready within ${timeoutMs} ms:\n${service.log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Fails with `why` when something already listens on `port` of 127.0.0.1 or of every interface. */
export function requirePortFree(port: number, why: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', () => reject(new Error(`port ${port} is in use: ${why}`)));
    // Loopback only: a listener on every interface (as the one looked for) conflicts with it too.
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}
