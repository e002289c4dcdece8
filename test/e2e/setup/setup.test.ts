import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { manifest, TOOL_NAMES } from '@release-actions/tools';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DownloadServer, serveAssets, type TestAsset } from '../../harness/download-server.js';
import { errors, runBundle } from '../../harness/run-bundle.js';

const host = `${process.platform}-${process.arch}`;
const fastEnv = { RELEASE_ACTIONS_RETRY_BASE_MS: '5', RELEASE_ACTIONS_DOWNLOAD_TIMEOUT_MS: '2000' };

let server: DownloadServer;
let assets: TestAsset[];
const scratch = mkdtempSync(path.join(os.tmpdir(), 'setup-e2e-'));

beforeAll(async () => {
  server = await DownloadServer.start();
  assets = serveAssets(server, TOOL_NAMES, 'v0.0.1');
});

afterAll(async () => {
  await server.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const asset = (tool: string) => assets.find((a) => a.tool === tool)!;

/** Inputs that point every requested tool at the loopback server with the test's own checksums. */
function inputs(tools: readonly string[], extra: Record<string, string> = {}): Record<string, string> {
  const result: Record<string, string> = { tools: tools.join(', '), mirror: server.url };
  for (const tool of tools) {
    result[`${tool}-version`] = 'v0.0.1';
    result[`${tool}-sha256`] = asset(tool).sha256;
  }
  return { ...result, ...extra };
}

function freshCache(): string {
  return mkdtempSync(path.join(scratch, 'cache-'));
}

describe('setup action', () => {
  it('installs all five tools concurrently on a cold cache, then again from the cache with no request', async () => {
    const toolCache = freshCache();
    const before = server.count();
    const cold = await runBundle('setup', { inputs: inputs(TOOL_NAMES), env: fastEnv, toolCache });
    expect(errors(cold)).toEqual([]);
    expect(cold.exitCode).toBe(0);
    expect(server.count()).toBe(before + 5);
    for (const tool of TOOL_NAMES) {
      const binary = cold.outputs[`${tool}-path`]!;
      expect(binary.startsWith(path.join(toolCache, tool, '0.0.1'))).toBe(true);
      expect(cold.outputs[`${tool}-version`]).toBe('v0.0.1');
      expect(cold.addedPath).toContain(path.dirname(binary));
      expect(execFileSync(binary, [], { encoding: 'utf8' })).toBe(`${tool} v0.0.1\n`);
      expect(cold.summary).toContain(`| ${tool} | v0.0.1 | ${host} | \`${asset(tool).sha256}\` | download |`);
    }

    const requests = server.count();
    const warm = await runBundle('setup', { inputs: inputs(TOOL_NAMES), env: fastEnv, toolCache });
    expect(warm.exitCode).toBe(0);
    expect(server.count()).toBe(requests);
    expect(warm.outputs).toEqual(cold.outputs);
    for (const tool of TOOL_NAMES)
      expect(warm.summary).toContain(
        `| ${tool} | v0.0.1 | ${host} | \`${asset(tool).sha256}\` | cache hit |`,
      );
  });

  it('installs only the listed tools', async () => {
    const result = await runBundle('setup', {
      inputs: inputs(['helm']),
      env: fastEnv,
      toolCache: freshCache(),
    });
    expect(result.exitCode).toBe(0);
    expect(Object.keys(result.outputs).sort()).toEqual(['helm-path', 'helm-version', 'outcome']);
    expect(path.basename(result.outputs['helm-path']!)).toBe('helm');
  });

  it('fails on a checksum mismatch with the one-line error and leaves no cache entry', async () => {
    const toolCache = freshCache();
    const wrong = '0'.repeat(64);
    const result = await runBundle('setup', {
      inputs: inputs(['cosign'], { 'cosign-sha256': wrong }),
      env: fastEnv,
      toolCache,
    });
    expect(result.exitCode).toBe(1);
    expect(errors(result)).toEqual([
      `cosign v0.0.1 ${host}: checksum mismatch for ${asset('cosign').url}: expected sha256 ${wrong}, got ${asset('cosign').sha256} over ${asset('cosign').body.length} bytes; the download may have been tampered with or the given checksum is wrong. It was deleted and nothing was cached.`,
    ]);
    expect(readdirSync(toolCache)).toEqual([]);
    expect(readdirSync(result.runnerTemp)).toEqual([]);
    expect(result.addedPath).toEqual([]);
  });

  it('retries 500s and a truncated download, and succeeds when the faults clear', async () => {
    server.fault(asset('syft').url, { mode: '500', times: 2 });
    server.fault(asset('grype').url, { mode: 'truncated', times: 2 });
    const before = { syft: server.count(asset('syft').url), grype: server.count(asset('grype').url) };
    const result = await runBundle('setup', {
      inputs: inputs(['syft', 'grype']),
      env: fastEnv,
      toolCache: freshCache(),
    });
    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(server.count(asset('syft').url)).toBe(before.syft + 3);
    expect(server.count(asset('grype').url)).toBe(before.grype + 3);
    const warnings = result.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
    expect(warnings.filter((w) => w.includes('HTTP 500'))).toHaveLength(2);
    expect(warnings.filter((w) => w.startsWith(`grype v0.0.1 ${host}:`))).toHaveLength(2);
  });

  it('fails cleanly when 500s do not stop, after the bounded attempts', async () => {
    const toolCache = freshCache();
    server.fault(asset('syft').url, { mode: '500' });
    const before = server.count(asset('syft').url);
    const result = await runBundle('setup', { inputs: inputs(['syft']), env: fastEnv, toolCache });
    server.fault(asset('syft').url, { mode: 'ok' });
    expect(result.exitCode).toBe(1);
    expect(server.count(asset('syft').url)).toBe(before + 4);
    const [error, ...rest] = errors(result);
    expect(rest).toEqual([]);
    expect(error).toMatch(
      new RegExp(
        `^syft v0.0.1 ${host}: ${asset('syft').url} answered HTTP 500 \\(tried 4 times\\); nothing was downloaded\\.$`,
      ),
    );
    expect(readdirSync(toolCache)).toEqual([]);
  });

  it('fails cleanly when every download is truncated', async () => {
    const toolCache = freshCache();
    const grype = asset('grype');
    server.fault(grype.url, { mode: 'truncated' });
    const result = await runBundle('setup', { inputs: inputs(['grype']), env: fastEnv, toolCache });
    server.fault(grype.url, { mode: 'ok' });
    expect(result.exitCode).toBe(1);
    expect(errors(result)).toHaveLength(1);
    expect(errors(result)[0]).toMatch(
      new RegExp(
        `^grype v0.0.1 ${host}: download of ${grype.url} ended after \\d+ of ${grype.body.length} bytes .*\\(tried 4 times\\); the partial download was deleted and nothing was cached\\.$`,
      ),
    );
    expect(readdirSync(toolCache)).toEqual([]);
    expect(readdirSync(result.runnerTemp)).toEqual([]);
  });

  it('abandons a stalled download after the idle timeout and retries it', async () => {
    const slsa = asset('slsa-verifier');
    server.fault(slsa.url, { mode: 'slow', times: 1 });
    const result = await runBundle('setup', {
      inputs: inputs(['slsa-verifier']),
      env: { ...fastEnv, RELEASE_ACTIONS_DOWNLOAD_TIMEOUT_MS: '300' },
      toolCache: freshCache(),
    });
    expect(result.exitCode).toBe(0);
    expect(
      result.annotations.some((a) => a.level === 'warning' && a.message.includes('stalled for 300 ms')),
    ).toBe(true);
  });

  it('fails at once on a 404, naming the URL', async () => {
    const before = server.count();
    const result = await runBundle('setup', {
      inputs: {
        tools: 'cosign',
        mirror: server.url,
        'cosign-version': 'v7.7.7',
        'cosign-sha256': 'a'.repeat(64),
      },
      env: fastEnv,
      toolCache: freshCache(),
    });
    expect(result.exitCode).toBe(1);
    expect(server.count()).toBe(before + 1);
    const file = asset('cosign').file;
    expect(errors(result)).toEqual([
      `cosign v7.7.7 ${host}: no such release asset: ${server.url}/sigstore/cosign/releases/download/v7.7.7/${file} (HTTP 404); check the version and that the mirror holds this file.`,
    ]);
  });

  it('gives clear errors for an unknown tool, an unknown version without sha256, a bad mirror and no runner, before any request', async () => {
    const before = server.count();
    const unknownTool = await runBundle('setup', {
      inputs: { tools: 'cosign, kubectl' },
      toolCache: freshCache(),
    });
    expect(unknownTool.exitCode).toBe(1);
    expect(errors(unknownTool)).toEqual([
      `Input 'tools': "kubectl" not accepted; use any of cosign, syft, grype, slsa-verifier, helm.`,
    ]);
    const unknownVersion = await runBundle('setup', {
      inputs: { tools: 'cosign', 'cosign-version': 'v9.9.9', mirror: server.url },
      toolCache: freshCache(),
    });
    expect(unknownVersion.exitCode).toBe(1);
    expect(unknownVersion.annotations.find((a) => a.level === 'error')?.properties['title']).toBe(
      'TOOL_UNKNOWN',
    );
    expect(errors(unknownVersion)).toEqual([
      'cosign version v9.9.9 is not in the manifest (known: v3.1.3, v3.0.6); give its sha256 too to install it.',
    ]);
    const noRunner = await runBundle('setup', {
      inputs: inputs(['cosign']),
      env: { RUNNER_TOOL_CACHE: undefined },
    });
    expect(errors(noRunner)).toEqual([
      'RUNNER_TOOL_CACHE is not set: this action runs on a GitHub runner; elsewhere use `release-actions install`.',
    ]);
    const badMirror = await runBundle('setup', {
      inputs: { tools: 'helm', mirror: 'ftp://x.example' },
      toolCache: freshCache(),
    });
    expect(errors(badMirror)).toEqual([`Input 'mirror': "ftp://x.example" must be an http or https URL.`]);
    const withCredentials = await runBundle('setup', {
      inputs: { tools: 'helm', mirror: server.url.replace('http://', 'http://user:pa55-w0rd@') },
      toolCache: freshCache(),
    });
    expect(errors(withCredentials)).toEqual([
      `Input 'mirror': "${server.url.replace('http://', 'http://user:***@')}" holds credentials, which are not accepted; give a mirror that serves the downloads without a login (the URL as a plain base such as https://mirror.example.com).`,
    ]);
    expect(withCredentials.stdout + withCredentials.stderr).not.toContain('pa55-w0rd');
    expect(server.count()).toBe(before);
  });

  it('checks a pinned version against the checksum in the manifest, fetched through the mirror', async () => {
    // The mirror serves something else under cosign v3.0.6's name: the pinned checksum must refuse it.
    const served = serveAssets(server, ['cosign'], 'v3.0.6')[0]!;
    const toolCache = freshCache();
    const result = await runBundle('setup', {
      inputs: { tools: 'cosign', mirror: server.url, 'cosign-version': '3.0.6' },
      env: fastEnv,
      toolCache,
    });
    expect(result.exitCode).toBe(1);
    expect(errors(result)).toEqual([
      `cosign v3.0.6 ${host}: checksum mismatch for ${served.url}: expected sha256 ${manifest.tools.cosign!.versions['v3.0.6']![host]!.sha256}, got ${served.sha256} over ${served.body.length} bytes; the download may have been tampered with or the pinned checksum is wrong. It was deleted and nothing was cached.`,
    ]);
    expect(result.annotations.find((a) => a.level === 'error')?.properties['title']).toBe(
      'CHECKSUM_MISMATCH',
    );
    expect(result.outputs['outcome']).toBe('error');
    expect(server.count(served.url)).toBe(1);
    expect(readdirSync(toolCache)).toEqual([]);
  });
});
