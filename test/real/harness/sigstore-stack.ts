import { execFile } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCTLog, type CTLog } from './ct-log.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { startOidcIssuer, type OidcIssuer, type WorkflowRun } from './oidc-issuer.js';
import { freePort, requirePortFree, startService, waitUntil, type Service } from './service.js';
import { requireRealTools } from './tools.js';

export type { WorkflowRun } from './oidc-issuer.js';

/**
 * A private Sigstore on loopback, made of the real services: Fulcio (ephemeral CA, trusting a
 * GitHub-shaped OIDC issuer as a `github-workflow` issuer, so its certificates carry the GitHub
 * extensions), the timestamp authority (in-memory signer) and Rekor v2 (rekor-tiles, POSIX
 * storage), each behind a fault proxy; and the signing config and trusted root that the real
 * `cosign signing-config create` / `cosign trusted-root create` write for it. Fulcio submits
 * precertificates to a loopback CT log front end (ct-log.ts), so certificates carry real SCTs.
 *
 * Every process listens on 127.0.0.1 on a port chosen free, runs in its own process group and
 * is ended by stop(), which also removes the stack's directory.
 */

export interface SigstoreStack {
  /** The OIDC issuer URL: Fulcio's issuer, the certificates' 1.3.6.1.4.1.57264.1.1/1.8, verify's oidc-issuer. */
  issuerUrl: string;
  issuer: OidcIssuer;
  fulcio: FaultProxy;
  tsa: FaultProxy;
  /** Undefined when the stack was started without a transparency log. */
  rekor?: FaultProxy;
  ctLog: CTLog;
  /** The log's origin (checkpoint name). */
  rekorOrigin?: string;
  /** Files written by cosign for this stack. */
  signingConfig: string;
  trustedRoot: string;
  /** The stack's scratch directory (removed by stop()). */
  dir: string;
  /** The runner's variables for a job of `run`: the token request pair and GITHUB_* consistent with its token. */
  jobEnv(run: WorkflowRun): Record<string, string>;
  /** Ends Fulcio itself (its proxy then answers 502 Bad Gateway, as a load balancer does). */
  stopFulcio(): Promise<void>;
  /** Each service's output so far, for failure messages. */
  logs(): Record<string, string>;
  /** How long start-up took, in ms. */
  startupMs: number;
  stop(): Promise<void>;
}

function run(binary: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error === null) resolve(stdout);
      else
        reject(new Error(`${path.basename(binary)} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
    });
  });
}

async function get(url: string): Promise<Response> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return response;
}

export interface StackOptions {
  /**
   * Run Rekor v2 (default true). Without it the signing config names no transparency log and
   * cosign relies on the timestamp authority alone.
   */
  rekor?: boolean;
}

const TSA_METRICS_PORT = 2112;

export async function startSigstoreStack(options: StackOptions = {}): Promise<SigstoreStack> {
  const started = performance.now();
  const withRekor = options.rekor !== false;
  const bin = requireRealTools(
    'cosign',
    'fulcio',
    'timestamp-server',
    ...(withRekor ? ['rekor-server'] : []),
  );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sigstore-stack-'));
  const services: Service[] = [];
  const closers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const service of services.reverse()) await service.stop();
    for (const close of closers.reverse()) await close();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const issuer = await startOidcIssuer();
    closers.push(() => issuer.stop());
    const ctLog = await startCTLog();
    closers.push(() => ctLog.stop());

    // Fulcio: the loopback issuer as a GitHub-workflow issuer (claims → GitHub extensions).
    const fulcioConfig = path.join(dir, 'fulcio-config.json');
    writeFileSync(
      fulcioConfig,
      JSON.stringify({
        OIDCIssuers: {
          [issuer.url]: { IssuerURL: issuer.url, ClientID: 'sigstore', Type: 'github-workflow' },
        },
      }),
    );
    const ctKey = path.join(dir, 'ctlog.pub');
    writeFileSync(ctKey, ctLog.publicKeyPem);
    const fulcioPort = await freePort();
    const fulcio = startService(
      'fulcio',
      path.join(bin, 'fulcio'),
      [
        'serve',
        '--ca',
        'ephemeralca',
        '--config-path',
        fulcioConfig,
        '--host',
        '127.0.0.1',
        '--port',
        String(fulcioPort),
        // gRPC on a port of its own: fulcio v1.8.8's duplex mode (one port for both) panics at start
        // (go-grpc-kit registers its metrics twice).
        '--grpc-host',
        '127.0.0.1',
        '--grpc-port',
        String(await freePort()),
        // The legacy gRPC server's socket is abstract and named the same for every Fulcio by default.
        '--legacy-unix-domain-socket',
        `@fulcio-legacy-${path.basename(dir)}`,
        '--metrics-port',
        String(await freePort()),
        '--ct-log-url',
        ctLog.url,
        '--ct-log-public-key-path',
        ctKey,
        '--log_type',
        'dev',
      ],
      dir,
    );
    services.push(fulcio);

    // The timestamp authority, its signer and chain made in memory at start. Its metrics listener
    // is fixed upstream at :2112 (all interfaces, no flag to move or close it; nothing here talks to
    // it), so only one stack runs on a machine at a time: say so plainly rather than let it die.
    await requirePortFree(
      TSA_METRICS_PORT,
      "the timestamp server's fixed metrics port; is another real-tier run or `npm run bench real` going?",
    );
    const tsaPort = await freePort();
    const tsa = startService(
      'timestamp-server',
      path.join(bin, 'timestamp-server'),
      [
        'serve',
        '--host',
        '127.0.0.1',
        '--port',
        String(tsaPort),
        '--timestamp-signer',
        'memory',
        '--disable-ntp-monitoring',
        '--log-type',
        'dev',
      ],
      dir,
    );
    services.push(tsa);

    // Rekor v2: tiles in a directory, checkpoints signed with a key made for this run.
    const rekorKeys = generateKeyPairSync('ed25519');
    const rekorKey = path.join(dir, 'rekor.key');
    const rekorPub = path.join(dir, 'rekor.pub');
    writeFileSync(rekorKey, rekorKeys.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    writeFileSync(rekorPub, rekorKeys.publicKey.export({ format: 'pem', type: 'spki' }));
    const rekorPort = await freePort();
    // sigstore-go checks a Rekor v2 checkpoint against the host name of the log's URL in the
    // trusted root (its port dropped), whatever origin the root names: the origin must be 127.0.0.1.
    const rekorOrigin = '127.0.0.1';
    mkdirSync(path.join(dir, 'rekor-tiles'));
    const rekor = !withRekor
      ? undefined
      : startService(
          'rekor-server',
          path.join(bin, 'rekor-server'),
          [
            'serve',
            '--http-address',
            '127.0.0.1',
            '--http-port',
            String(rekorPort),
            '--grpc-address',
            '127.0.0.1',
            '--grpc-port',
            String(await freePort()),
            '--http-metrics-port',
            String(await freePort()),
            '--hostname',
            rekorOrigin,
            '--storage-dir',
            path.join(dir, 'rekor-tiles'),
            '--signer-filepath',
            rekorKey,
            '--checkpoint-interval',
            '500ms',
            '--batch-max-age',
            '50ms',
          ],
          dir,
        );
    if (rekor !== undefined) services.push(rekor);

    const fulcioUrl = `http://127.0.0.1:${fulcioPort}`;
    const tsaUrl = `http://127.0.0.1:${tsaPort}`;
    const rekorUrl = `http://127.0.0.1:${rekorPort}`;
    await Promise.all([
      waitUntil(fulcio, async () => (await get(`${fulcioUrl}/api/v2/trustBundle`)).ok),
      waitUntil(tsa, async () => (await get(`${tsaUrl}/api/v1/timestamp/certchain`)).ok),
      rekor && waitUntil(rekor, async () => (await get(`${rekorUrl}/healthz`)).ok),
    ]);

    const proxies = {
      fulcio: await startFaultProxy(fulcioUrl),
      tsa: await startFaultProxy(tsaUrl),
      rekor: rekor ? await startFaultProxy(rekorUrl) : undefined,
    };
    for (const proxy of Object.values(proxies)) if (proxy !== undefined) closers.push(() => proxy.stop());

    // Fulcio's CA chain and the TSA's chain, as the operators publish them.
    const bundle = (await (await get(`${fulcioUrl}/api/v2/trustBundle`)).json()) as {
      chains: { certificates: string[] }[];
    };
    const fulcioChain = path.join(dir, 'fulcio-chain.pem');
    writeFileSync(fulcioChain, bundle.chains[0]!.certificates.join('\n'));
    const tsaChain = path.join(dir, 'tsa-chain.pem');
    writeFileSync(tsaChain, await (await get(`${tsaUrl}/api/v1/timestamp/certchain`)).text());
    const fulcioRoot = new X509Certificate(bundle.chains[0]!.certificates.at(-1)!);

    // Validity starts a little before now: the certificates made from here on fall inside it.
    const since = new Date(Math.min(Date.now() - 60_000, Date.parse(fulcioRoot.validFrom))).toISOString();
    const startTime = since.replace(/\.\d+Z$/, 'Z');
    const cosign = path.join(bin, 'cosign');
    const trustedRoot = path.join(dir, 'trusted_root.json');
    await run(
      cosign,
      [
        'trusted-root',
        'create',
        '--fulcio',
        `url=${proxies.fulcio.url},certificate-chain=${fulcioChain}`,
        '--ctfe',
        `url=${ctLog.url},public-key=${ctKey},start-time=${startTime}`,
        '--tsa',
        `url=${proxies.tsa.url}/api/v1/timestamp,certificate-chain=${tsaChain}`,
        ...(proxies.rekor
          ? [
              '--rekor',
              `url=${proxies.rekor.url},public-key=${rekorPub},start-time=${startTime},origin=${rekorOrigin}`,
            ]
          : []),
        '--out',
        trustedRoot,
      ],
      dir,
    );
    const signingConfig = path.join(dir, 'signing_config.json');
    const service = (url: string, version: number) =>
      `url=${url},api-version=${version},start-time=${startTime},operator=loopback.test`;
    await run(
      cosign,
      [
        'signing-config',
        'create',
        '--fulcio',
        service(proxies.fulcio.url, 1),
        '--oidc-provider',
        service(issuer.url, 1),
        '--tsa',
        service(`${proxies.tsa.url}/api/v1/timestamp`, 1),
        '--tsa-config',
        'ANY',
        ...(proxies.rekor ? ['--rekor', service(proxies.rekor.url, 2), '--rekor-config', 'ANY'] : []),
        '--out',
        signingConfig,
      ],
      dir,
    );

    return {
      issuerUrl: issuer.url,
      issuer,
      ctLog,
      ...proxies,
      rekorOrigin: rekor ? rekorOrigin : undefined,
      signingConfig,
      trustedRoot,
      dir,
      jobEnv(workflowRun) {
        const claims = issuer.claims(workflowRun);
        const request = issuer.requestToken(claims);
        const ref = String(claims.ref);
        return {
          ACTIONS_ID_TOKEN_REQUEST_URL: request.url,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: request.token,
          GITHUB_REPOSITORY: String(claims.repository),
          GITHUB_REPOSITORY_OWNER: String(claims.repository_owner),
          GITHUB_REPOSITORY_ID: String(claims.repository_id),
          GITHUB_REF: ref,
          GITHUB_REF_NAME: ref.replace(/^refs\/(?:tags|heads)\//, ''),
          GITHUB_REF_TYPE: String(claims.ref_type),
          GITHUB_SHA: String(claims.sha),
          GITHUB_WORKFLOW: String(claims.workflow),
          GITHUB_WORKFLOW_REF: String(claims.workflow_ref),
          GITHUB_WORKFLOW_SHA: String(claims.workflow_sha),
          GITHUB_EVENT_NAME: String(claims.event_name),
          GITHUB_RUN_ID: String(claims.run_id),
          GITHUB_RUN_ATTEMPT: String(claims.run_attempt),
          GITHUB_ACTOR: String(claims.actor),
        };
      },
      stopFulcio: () => fulcio.stop(),
      logs: () => Object.fromEntries(services.map((s) => [s.name, s.log()])),
      startupMs: performance.now() - started,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The trusted root written for the stack, parsed. */
export function readTrustedRoot(stack: SigstoreStack): Record<string, unknown> {
  return JSON.parse(readFileSync(stack.trustedRoot, 'utf8')) as Record<string, unknown>;
}
