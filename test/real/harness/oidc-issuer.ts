import { generateKeyPairSync, randomBytes, randomUUID, sign as signData } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A GitHub-shaped OIDC issuer on loopback: discovery document, JWKS, and the token-request
 * endpoint a runner offers a job through ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN (GET with
 * `Authorization: bearer <request token>` and `&audience=…` → `{"value": "<jwt>"}`). Tokens are
 * RS256 JWTs signed by a key generated for this run, with the claims GitHub puts in them. Each
 * request token stands for one job: the claims of its tokens are chosen when it is made.
 */

/** The run a token describes; everything else follows from it as it does on GitHub. */
export interface WorkflowRun {
  /** owner/name of the repository whose workflow runs. */
  repository: string;
  /** The ref that triggered the run, e.g. refs/tags/v1.4.0. */
  ref: string;
  /** The top-level workflow file, e.g. release.yml. */
  workflowFile?: string;
  /** `owner/repo/.github/workflows/<file>@<ref>` of the job's (reusable) workflow; default: the top-level workflow. */
  jobWorkflowRef?: string;
  /** Commit of the job's workflow (default: the run's sha). */
  jobWorkflowSha?: string;
  sha?: string;
  eventName?: string;
  actor?: string;
  runId?: string;
  runAttempt?: string;
  repositoryId?: string;
  repositoryOwnerId?: string;
  visibility?: string;
  /** Claims that replace or add to the ones derived above. */
  extra?: Record<string, unknown>;
}

export interface TokenRequest {
  audience: string | null;
  /** The request token presented, or undefined when none was. */
  authorized: boolean;
}

export interface OidcIssuer {
  /** Issuer URL (the `iss` of every token), http://127.0.0.1:<port>. */
  url: string;
  /** The claims GitHub would put in a token for this run. */
  claims(run: WorkflowRun): Record<string, unknown>;
  /** A request token for one job: tokens fetched with it carry `claims`. */
  requestToken(claims: Record<string, unknown>): { url: string; token: string };
  /** A signed token with `claims` (aud sigstore unless given). */
  mint(claims: Record<string, unknown>): string;
  requests: TokenRequest[];
  stop(): Promise<void>;
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export async function startOidcIssuer(): Promise<OidcIssuer> {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const jwk = { ...keys.publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  const jobs = new Map<string, Record<string, unknown>>();
  const requests: TokenRequest[] = [];

  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function mint(claims: Record<string, unknown>): string {
    const now = Math.floor(Date.now() / 1000);
    const body = {
      jti: randomUUID(),
      aud: 'sigstore',
      iss: url,
      nbf: now - 5,
      iat: now,
      exp: now + 300,
      ...claims,
    };
    const header = { alg: 'RS256', typ: 'JWT', kid };
    const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(body))}`;
    return `${input}.${base64url(signData('sha256', Buffer.from(input), keys.privateKey))}`;
  }

  server.on('request', (req, res) => {
    const at = new URL(req.url ?? '/', url);
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (at.pathname === '/.well-known/openid-configuration') {
      json(200, {
        issuer: url,
        jwks_uri: `${url}/.well-known/jwks`,
        subject_types_supported: ['public', 'pairwise'],
        response_types_supported: ['id_token'],
        claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'ref', 'repository', 'sha'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid'],
      });
      return;
    }
    if (at.pathname === '/.well-known/jwks') {
      json(200, { keys: [jwk] });
      return;
    }
    const job = /^\/_apis\/jobs\/([^/]+)\/idtoken$/.exec(at.pathname);
    if (job !== null && req.method === 'GET') {
      const presented = /^bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const claims = jobs.get(job[1]!);
      const authorized = claims !== undefined && presented === claims.__requestToken;
      requests.push({ audience: at.searchParams.get('audience'), authorized });
      if (!authorized) {
        json(401, { message: 'Bad credentials' });
        return;
      }
      const { __requestToken: _, ...rest } = claims;
      const audience = at.searchParams.get('audience');
      json(200, { count: 1, value: mint({ ...rest, ...(audience ? { aud: audience } : {}) }) });
      return;
    }
    res.writeHead(404).end();
  });

  return {
    url,
    requests,
    mint,
    claims(run) {
      const [owner = ''] = run.repository.split('/');
      const workflowRef = `${run.repository}/.github/workflows/${run.workflowFile ?? 'release.yml'}@${run.ref}`;
      const sha = run.sha ?? randomBytes(20).toString('hex');
      return {
        sub: `repo:${run.repository}:ref:${run.ref}`,
        ref: run.ref,
        ref_type: run.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
        ref_protected: 'false',
        sha,
        repository: run.repository,
        repository_id: run.repositoryId ?? '700100200',
        repository_owner: owner,
        repository_owner_id: run.repositoryOwnerId ?? '90080070',
        repository_visibility: run.visibility ?? 'public',
        actor: run.actor ?? owner,
        actor_id: '90080070',
        workflow: 'Release',
        workflow_ref: workflowRef,
        workflow_sha: sha,
        job_workflow_ref: run.jobWorkflowRef ?? workflowRef,
        job_workflow_sha: run.jobWorkflowSha ?? sha,
        event_name: run.eventName ?? 'push',
        run_id: run.runId ?? '9100200300',
        run_number: '42',
        run_attempt: run.runAttempt ?? '1',
        runner_environment: 'github-hosted',
        head_ref: '',
        base_ref: '',
        ...run.extra,
      };
    },
    requestToken(claims) {
      const id = randomUUID();
      const token = randomBytes(24).toString('hex');
      jobs.set(id, { ...claims, __requestToken: token });
      // Like the runner's URL: it already has a query, so clients append `&audience=…`.
      return { url: `${url}/_apis/jobs/${id}/idtoken?api-version=2.0`, token };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
