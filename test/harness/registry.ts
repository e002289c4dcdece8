import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSign, randomUUID, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './run-bundle.js';

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
  /** Require these credentials for every request. */
  auth?: { username: string; password: string };
  /**
   * How: `basic` (htpasswd, bcrypt; the default) or `token` (the registry sends a Bearer challenge
   * naming a token service on loopback, which checks the credentials and issues signed tokens).
   */
  authMode?: 'basic' | 'token';
}

/** A token request the loopback token service received. */
export interface TokenRequest {
  service: string | null;
  scope: string | null;
  /** The user of the Basic credentials sent, or undefined for an anonymous request. */
  user?: string;
  granted: boolean;
}

export interface Registry {
  /** `127.0.0.1:<port>`: the registry part of image references. */
  host: string;
  port: number;
  url: string;
  dir: string;
  /** Everything the registry logged so far. */
  log(): string;
  /** Requests to the token service (authMode `token`). */
  tokenRequests: TokenRequest[];
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
  const tokenRequests: TokenRequest[] = [];
  let tokenServer: Server | undefined;
  if (options.auth !== undefined && options.authMode === 'token') {
    tokenServer = await startTokenServer(options.auth, tokenRequests);
    const { port } = tokenServer.address() as AddressInfo;
    lines.push(
      'auth:',
      '  token:',
      `    realm: http://127.0.0.1:${port}/token`,
      `    service: ${TOKEN_SERVICE}`,
      `    issuer: ${TOKEN_ISSUER}`,
      `    rootcertbundle: ${JSON.stringify(path.join(fixtures, 'token-issuer.crt'))}`,
    );
  } else if (options.auth !== undefined) {
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
    tokenServer?.close();
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
    tokenRequests,
    stop: async () => {
      await stopChild(child);
      if (tokenServer !== undefined) await new Promise((resolve) => tokenServer?.close(resolve));
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

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'oci');
const TOKEN_SERVICE = 'loopback-registry';
const TOKEN_ISSUER = 'loopback-token-issuer';

const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/**
 * The token service of the distribution token auth spec: Basic credentials in, a JWT out, signed
 * RS256 with the fixture key and carrying the certificate in `x5c` (the registry trusts the
 * certificate through `rootcertbundle`). Wrong credentials get 401; no credentials get a token
 * without access, as Docker Hub does for private repositories.
 */
function startTokenServer(
  auth: { username: string; password: string },
  requests: TokenRequest[],
): Promise<Server> {
  const key = readFileSync(path.join(fixtures, 'token-issuer.key'), 'utf8');
  const certificate = new X509Certificate(readFileSync(path.join(fixtures, 'token-issuer.crt')));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const header = req.headers.authorization ?? '';
    let user: string | undefined;
    let valid = false;
    if (header.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      user = decoded.slice(0, decoded.indexOf(':'));
      valid = decoded === `${auth.username}:${auth.password}`;
    }
    const scope = url.searchParams.get('scope');
    const request: TokenRequest = { service: url.searchParams.get('service'), scope, granted: false };
    if (user !== undefined) request.user = user;
    requests.push(request);
    if (url.pathname !== '/token') {
      res.writeHead(404).end();
      return;
    }
    if (user !== undefined && !valid) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"invalid credentials"}');
      return;
    }
    const access = [];
    const match = /^repository:([^:]+):(.+)$/.exec(scope ?? '');
    if (valid && match !== null) {
      access.push({ type: 'repository', name: match[1], actions: (match[2] ?? '').split(',') });
      request.granted = true;
    }
    const now = Math.floor(Date.now() / 1000);
    const head = { typ: 'JWT', alg: 'RS256', x5c: [certificate.raw.toString('base64')] };
    const claims = {
      iss: TOKEN_ISSUER,
      sub: user ?? '',
      aud: TOKEN_SERVICE,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access,
    };
    const signingInput = `${base64url(JSON.stringify(head))}.${base64url(JSON.stringify(claims))}`;
    const signature = createSign('RSA-SHA256').update(signingInput).sign(key);
    const token = `${signingInput}.${base64url(signature)}`;
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ token, expires_in: 300 }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
