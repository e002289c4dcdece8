import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  equivalentCommands,
  judgeSlsaVerifier,
  SLSA_CONTAINER_BUILDER_ID,
  slsaVerifierArgs,
} from '@release-actions/verify';
import { formatCommand } from '@release-actions/core';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pinned from '../../packages/tools/manifest.json' with { type: 'json' };
import { Layout } from '../harness/images.js';
import { startRegistry, type Registry } from '../harness/registry.js';
import { runCli } from '../harness/run-cli.js';
import { requireRealTools } from './harness/tools.js';

/**
 * slsa-verifier cannot verify offline: before it looks at an image it fetches its trust root
 * (Fulcio's roots, the Rekor and CT log keys) from the public Sigstore TUF repository
 * (tuf-repo-cdn.sigstore.dev), and the provenance it accepts must be signed by GitHub's OIDC
 * identity through the public Fulcio. So this tests what can be tested here: the version, and
 * that every argument list our code builds gets through its argument parser to the verification,
 * which then fails on the network (an HTTPS proxy on a closed loopback port makes any network
 * attempt fail at once; Go never proxies 127.0.0.1, so the loopback registry stays reachable).
 * The verdict texts it prints after a real verification are checked in the fake against its source.
 */
const CLOSED_PROXY = 'http://127.0.0.1:9';
const USAGE_ERROR =
  /unknown flag|unknown shorthand|required flag|flags in the group|Usage:|expects a single|invalid argument/;

let bin: string;
let registry: Registry;
let layout: Layout;
let home: string;
let image: string;

beforeAll(async () => {
  bin = requireRealTools('slsa-verifier');
  registry = await startRegistry();
  layout = new Layout();
  const digest = layout.image('v1.2.3', { os: 'linux', architecture: 'amd64' }, 'slsa\n').digest;
  await layout.push('v1.2.3', registry.host, 'aotanami/aotanami');
  image = `${registry.host}/aotanami/aotanami@${digest}`;
  home = mkdtempSync(path.join(os.tmpdir(), 'real-slsa-verifier-'));
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  layout?.remove();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** An empty home (no TUF cache, no Docker login) and no way out but loopback. */
function offlineEnv(): Record<string, string> {
  return {
    PATH: [bin, path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter),
    HOME: home,
    TUF_ROOT: path.join(home, '.sigstore', 'root'),
    DOCKER_CONFIG: path.join(home, '.docker'),
    HTTPS_PROXY: CLOSED_PROXY,
    HTTP_PROXY: CLOSED_PROXY,
    https_proxy: CLOSED_PROXY,
    http_proxy: CLOSED_PROXY,
  };
}

function slsaVerifier(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(path.join(bin, 'slsa-verifier'), args, {
    encoding: 'utf8',
    env: offlineEnv(),
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('slsa-verifier (real, offline)', () => {
  it('prints the pinned version', () => {
    const result = slsaVerifier(['version']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`^GitVersion:\\s+${pinned.tools['slsa-verifier'].default.replace(/\./g, '\\.')}$`, 'm'),
    );
  });

  // Every shape slsaVerifierArgs gives: without a tag, with one, and for GitHub Enterprise Server.
  const argLists: [string, () => string[]][] = [
    ['source and builder', () => slsaVerifierArgs(image, 'aotanami/aotanami')],
    ['with --source-tag', () => slsaVerifierArgs(image, 'aotanami/aotanami', 'v1.2.3')],
    [
      'on a GitHub Enterprise host',
      () => slsaVerifierArgs(image, 'aotanami/aotanami', 'v1.2.3', 'github.example.com'),
    ],
  ];

  it.each(argLists)(
    'takes our argument list (%s) and fails only later, on the network, which our code calls an error, not a verdict',
    (_name, args) => {
      const argv = args();
      expect(argv).toContain('--builder-id');
      expect(argv[argv.indexOf('--builder-id') + 1]).toBe(SLSA_CONTAINER_BUILDER_ID);
      const result = slsaVerifier(argv);
      expect(result.status).toBe(1);
      expect(result.stderr).not.toMatch(USAGE_ERROR);
      expect(result.stderr).toMatch(/^FAILED: SLSA verification failed: /m);
      expect(result.stderr).toContain(CLOSED_PROXY.replace('http://', ''));
      const outcome = judgeSlsaVerifier(result.status ?? -1, result.stdout, result.stderr);
      expect(outcome.status).toBe('error');
      expect(outcome.reason).toMatch(/^slsa-verifier could not check the provenance: /);
    },
  );

  it('the commands verify prints for people to paste are the same argument lists', () => {
    const printed = equivalentCommands([{ reference: image, top: true }], ['provenance'], {
      policy: { repository: 'aotanami/aotanami', sourceRef: 'refs/tags/v1.2.3' } as never,
    });
    expect(printed).toEqual([
      formatCommand('slsa-verifier', slsaVerifierArgs(image, 'aotanami/aotanami', 'v1.2.3')),
    ]);
  });

  it('a tag instead of a digest is refused before any network use, as a rejection', () => {
    const tagged = `${registry.host}/aotanami/aotanami:v1.2.3`;
    const result = slsaVerifier(slsaVerifierArgs(tagged, 'aotanami/aotanami'));
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`FAILED: SLSA verification failed: the image is mutable: '${tagged}'\n`);
    expect(judgeSlsaVerifier(1, result.stdout, result.stderr)).toEqual({
      status: 'failed',
      reason: `provenance rejected: the image is mutable: '${tagged}'`,
    });
  });

  it('the usage errors this test looks for are what its parser prints (the check above can fail)', () => {
    const misspelt = slsaVerifier([
      'verify-image',
      image,
      '--source-uri',
      'github.com/a/b',
      '--source-tagg',
      'v1',
    ]);
    expect(misspelt.status).toBe(1);
    expect(misspelt.stderr).toMatch(USAGE_ERROR);
    const both = slsaVerifier([
      ...slsaVerifierArgs(image, 'aotanami/aotanami', 'v1.2.3'),
      '--source-versioned-tag',
      'v1',
    ]);
    expect(both.status).toBe(1);
    expect(both.stderr).toMatch(USAGE_ERROR);
    const noSource = slsaVerifier(['verify-image', image]);
    expect(noSource.status).toBe(1);
    expect(noSource.stderr).toMatch(USAGE_ERROR);
  });

  it('the verify CLI runs real slsa-verifier with our arguments and reports the provenance check as an error (exit 2), not a rejection', async () => {
    const result = await runCli(
      [
        'verify',
        image,
        '--repository',
        'aotanami/aotanami',
        '--checks',
        'provenance',
        '--source-tag',
        'v1.2.3',
        '--format',
        'json',
      ],
      { env: offlineEnv(), timeoutMs: 150_000 },
    );
    const report = JSON.parse(result.stdout) as {
      verdict: string;
      results: { check: string; status: string; reason?: string }[];
    };
    expect(report.results).toEqual([
      expect.objectContaining({
        check: 'provenance',
        status: 'error',
        reason: expect.stringMatching(/^slsa-verifier could not check the provenance: /),
      }),
    ]);
    expect(report.results[0]?.reason).not.toMatch(USAGE_ERROR);
    expect(result.code).toBe(2);
    // The binary on PATH is used as it is, and its version line (not its banner) is logged.
    expect(result.stderr).toContain(
      `Using slsa-verifier from PATH: ${path.join(bin, 'slsa-verifier')} (GitVersion:    ${pinned.tools['slsa-verifier'].default})`,
    );
  });
});
