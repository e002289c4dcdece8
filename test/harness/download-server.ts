import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import {
  applyMirror,
  fillTemplate,
  manifest as pinnedManifest,
  type Manifest,
  type PlatformKey,
} from '@release-actions/tools';

/**
 * A loopback download server laid out like the release hosts: GitHub release assets at
 * `/<owner>/<repo>/releases/download/<tag>/<asset>` and Helm's files at `/<asset>`, so that a
 * `mirror` of `http://127.0.0.1:<port>` points the installer here. Each path can be told to fail
 * (500 n times, 404, stall, or send fewer bytes than its Content-Length n times); every request is
 * counted, so a test can assert that a warm install made none.
 */

export type Fault =
  | { mode: 'ok' }
  | { mode: '500'; times?: number }
  | { mode: '404' }
  | { mode: 'slow'; times?: number; delayMs?: number }
  | { mode: 'truncated'; times?: number };

interface Route {
  body: Buffer;
  fault: Fault;
  failures: number;
}

export class DownloadServer {
  readonly requests: string[] = [];
  private readonly routes = new Map<string, Route>();
  private readonly stalled = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<DownloadServer> {
    const holder: { self?: DownloadServer } = {};
    const server = createServer((req, res) => holder.self!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.self = new DownloadServer(server, `http://127.0.0.1:${port}`);
    return holder.self;
  }

  /** Serves `body` at `urlPath` (a path, or a full URL whose path is used). */
  put(urlPath: string, body: Buffer, fault: Fault = { mode: 'ok' }): void {
    this.routes.set(toPath(urlPath), { body, fault, failures: 0 });
  }

  fault(urlPath: string, fault: Fault): void {
    const route = this.routes.get(toPath(urlPath));
    if (!route) throw new Error(`nothing is served at ${urlPath}`);
    route.fault = fault;
    route.failures = 0;
  }

  count(urlPath?: string): number {
    if (urlPath === undefined) return this.requests.length;
    const wanted = toPath(urlPath);
    return this.requests.filter((r) => r === wanted).length;
  }

  async stop(): Promise<void> {
    for (const res of this.stalled) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const pathname = new URL(req.url ?? '/', this.url).pathname;
    this.requests.push(pathname);
    const route = this.routes.get(pathname);
    if (!route || route.fault.mode === '404') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    const fault = route.fault;
    const failing = fault.mode !== 'ok' && route.failures < (fault.times ?? Infinity);
    if (failing) route.failures++;
    if (fault.mode === '500' && failing) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
      return;
    }
    if (fault.mode === 'slow' && failing) {
      // Headers, a first chunk, then nothing: the client's idle timeout must end it.
      this.stalled.add(res);
      res.on('close', () => this.stalled.delete(res));
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': route.body.length });
      res.write(route.body.subarray(0, Math.min(16, route.body.length)));
      setTimeout(() => res.destroy(), fault.delayMs ?? 60_000).unref();
      return;
    }
    if (fault.mode === 'truncated' && failing) {
      const half = Math.floor(route.body.length / 2);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': route.body.length });
      res.write(route.body.subarray(0, half), () => res.destroy());
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': route.body.length });
    res.end(route.body);
  }
}

function toPath(urlPath: string): string {
  return urlPath.startsWith('http') ? new URL(urlPath).pathname : urlPath;
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The stand-in executable every test archive holds: prints `<tool> <version>`. */
export function toolScript(tool: string, version: string): string {
  return `#!/bin/sh\necho "${tool} ${version}"\n`;
}

/** A tar.gz of `files` (path → content; scripts made executable), built with the system tar. */
export function tarGz(files: Record<string, string | Buffer>): Buffer {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tgz-'));
  try {
    const root = path.join(dir, 'root');
    for (const [name, content] of Object.entries(files)) {
      const file = path.join(root, ...name.split('/'));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
      chmodSync(file, 0o755);
    }
    const out = path.join(dir, 'out.tar.gz');
    const result = spawnSync('tar', ['-czf', out, '-C', root, ...Object.keys(files)], { stdio: 'pipe' });
    if (result.status !== 0) throw new Error(`tar failed: ${result.stderr.toString()}`);
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A zip of `files` with stored (uncompressed) entries. Written here rather than with `zip`, which
 * is not on every machine; stored entries are all a test archive needs, and `unzip` reads them.
 */
export function zip(files: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt32LE(0, 10); // time, date
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the mode below is honoured
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt32LE(0, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(0, 30); // extra, comment lengths
    central.writeUInt32LE(0, 34); // disk, internal attributes
    central.writeUInt32LE(((0o100755 << 16) >>> 0) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20);
  return Buffer.concat([...locals, ...centrals, end]);
}

export interface TestAsset {
  tool: string;
  version: string;
  platform: PlatformKey;
  file: string;
  /** Where the real release would serve it (https://github.com/… or https://get.helm.sh/…). */
  upstreamUrl: string;
  /** Where this server serves it. */
  url: string;
  body: Buffer;
  sha256: string;
}

/**
 * Builds the release asset of `tool` at `version` for `platform` exactly as the manifest names and
 * packs it (bare binary, tar.gz or zip with the executable at the manifest's path), holding a
 * script that prints `<tool> <version>`; `extra` adds files (e.g. a large blob for benchmarks).
 */
export function buildAsset(
  tool: string,
  version: string,
  platform: PlatformKey,
  options: { extra?: Record<string, Buffer>; manifest?: Manifest } = {},
): Omit<TestAsset, 'url'> {
  const entry = (options.manifest ?? pinnedManifest).tools[tool];
  const template = entry?.platforms[platform];
  if (!entry || !template) throw new Error(`no template for ${tool} on ${platform}`);
  const file = fillTemplate(template.file, version);
  const script = toolScript(tool, version);
  const member = template.binary ?? file;
  const body =
    template.format === 'binary'
      ? Buffer.from(script)
      : template.format === 'tar.gz'
        ? tarGz({ [member]: script, ...options.extra })
        : zip({ [member]: script, ...options.extra });
  const upstreamUrl = fillTemplate(entry.url, version).replace('{file}', file);
  return { tool, version, platform, file, upstreamUrl, body, sha256: sha256(body) };
}

/** Builds and serves the assets; returns them with this server's URL for each. */
export function serveAssets(
  server: DownloadServer,
  tools: readonly string[],
  version: string,
  platform: PlatformKey = `${process.platform}-${process.arch}`,
): TestAsset[] {
  return tools.map((tool) => {
    const built = buildAsset(tool, version, platform);
    const url = applyMirror(built.upstreamUrl, server.url);
    server.put(url, built.body);
    return { ...built, url };
  });
}

/**
 * The real manifest with each served asset added as its tool's default version, pointing at this
 * server and carrying the test's own checksum.
 */
export function testManifest(assets: readonly TestAsset[], base: Manifest = pinnedManifest): Manifest {
  const tools: Manifest['tools'] = structuredClone(base.tools);
  for (const asset of assets) {
    const entry = tools[asset.tool];
    if (!entry) throw new Error(`unknown tool ${asset.tool}`);
    entry.default = asset.version;
    entry.versions[asset.version] = {
      ...entry.versions[asset.version],
      [asset.platform]: { file: asset.file, url: asset.url, sha256: asset.sha256 },
    };
  }
  return { tools };
}
