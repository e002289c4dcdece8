import { OperationalError, redact } from '@release-actions/core';
import { parseChallenges } from './challenge.js';
import { lookupDockerCredentials, type Credentials, type DockerConfigOptions } from './credentials.js';
import type { OciErrorCode } from './errors.js';
import { canonicalRegistry, type ImageReference } from './reference.js';
import { isLoopbackHost, type Transport } from './transport.js';

export interface AuthOptions {
  /** Credentials by registry host (as written in references, e.g. `ghcr.io`, `127.0.0.1:5000`). */
  credentials?: Readonly<Record<string, Credentials>>;
  /** Where to read the Docker config (DOCKER_CONFIG, home), or false to not read it. */
  dockerConfig?: DockerConfigOptions | false;
}

/** `pull`, or `pull,push` for writes: the scope asked of a token service. */
export type Access = 'pull' | 'pull,push';

/** The credentials found for a registry, and where they came from (said in errors). */
export interface Login {
  credentials?: Credentials;
  /** e.g. "the given credentials", "the credentials in /home/u/.docker/config.json". */
  source: string;
  /** Why credentials the Docker config holds for the registry cannot be used (a credential helper). */
  unsupported?: string;
}

/** What answering a challenge gave: the Authorization header and the login it was made from. */
export interface Grant {
  header: string;
  login: Login;
}

/** The one message for a registry that wants credentials it was not given (or only in a form we cannot use). */
export function authRequiredMessage(ref: ImageReference, login: Login): string {
  return `registry ${ref.registry} requires authentication for ${ref.repository} and ${login.source}${login.unsupported ? `; ${login.unsupported}` : ''}`;
}

/** `by` (the registry or its token service) refused the credentials of `login` for `what`. */
function rejectedMessage(by: string, login: Login, what: string, status: number): string {
  return `${by} rejected ${login.source} (user "${login.credentials?.username ?? ''}") for ${what} (HTTP ${status}); check the username and password or token`;
}

function basicHeader(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/**
 * A registry's authentication: which credentials go to which registry (given ones by exact host,
 * else the Docker config's), the answer to a 401 challenge (Basic, or a Bearer token from the
 * token service), the Authorization header kept per repository and access, and every password and
 * token seen, redacted from all messages.
 */
export class RegistryAuth {
  private readonly authorizations = new Map<string, string>();
  private readonly secrets = new Set<string>();

  constructor(
    private readonly transport: Transport,
    private readonly options: AuthOptions = {},
  ) {
    for (const credentials of Object.values(options.credentials ?? {})) this.rememberSecret(credentials);
  }

  /** The header that worked last for this repository and access, if any. */
  authorization(ref: ImageReference, access: Access): string | undefined {
    return this.authorizations.get(scopeKey(ref, access));
  }

  /** Answers the `WWW-Authenticate` challenge of a 401, and keeps the header for the next requests. */
  async answer(ref: ImageReference, access: Access, challengeHeader: string): Promise<Grant> {
    const challenge = parseChallenges(challengeHeader).find(
      (c) => c.scheme === 'bearer' || c.scheme === 'basic',
    );
    if (challenge === undefined) {
      throw new OperationalError<OciErrorCode>(
        `registry ${ref.registry} asked for authentication without a Bearer or Basic challenge`,
        { code: 'REGISTRY_ERROR' },
      );
    }
    const login = this.loginFor(ref.registry);
    let header: string;
    if (challenge.scheme === 'basic') {
      if (login.credentials === undefined) throw this.authRequired(ref, login);
      header = basicHeader(login.credentials);
    } else {
      header = `Bearer ${await this.token(ref, access, challenge.params, login)}`;
    }
    this.authorizations.set(scopeKey(ref, access), header);
    return { header, login };
  }

  /** The error for a request the registry still refuses (401, 403) after the challenge was answered. */
  refused(ref: ImageReference, access: Access, grant: Grant, status: number): OperationalError<OciErrorCode> {
    if (grant.login.credentials === undefined) return this.authRequired(ref, grant.login);
    return new OperationalError<OciErrorCode>(
      this.redact(
        rejectedMessage(
          `registry ${ref.registry}`,
          grant.login,
          `${access} access to ${ref.repository}`,
          status,
        ),
      ),
      { code: 'REGISTRY_AUTH_REJECTED' },
    );
  }

  redact(text: string): string {
    return redact(text, [...this.secrets]);
  }

  private authRequired(ref: ImageReference, login: Login): OperationalError<OciErrorCode> {
    return new OperationalError<OciErrorCode>(this.redact(authRequiredMessage(ref, login)), {
      code: 'REGISTRY_AUTH_REQUIRED',
    });
  }

  /** A Bearer token from the challenge's realm, asked with Basic credentials or anonymously. */
  private async token(
    ref: ImageReference,
    access: Access,
    params: Record<string, string>,
    login: Login,
  ): Promise<string> {
    const realm = params['realm'];
    if (realm === undefined || !URL.canParse(realm)) {
      throw new OperationalError<OciErrorCode>(
        `registry ${ref.registry} sent a Bearer challenge without a usable realm`,
        { code: 'REGISTRY_ERROR' },
      );
    }
    const tokenUrl = new URL(realm);
    // Credentials travel to the token service only over TLS, or to a loopback one.
    if (tokenUrl.protocol !== 'https:' && !(tokenUrl.protocol === 'http:' && isLoopbackHost(tokenUrl.host))) {
      throw new OperationalError<OciErrorCode>(
        `registry ${ref.registry} points to token service ${tokenUrl.origin}, which is not HTTPS; refusing it`,
        { code: 'REGISTRY_ERROR' },
      );
    }
    if (params['service'] !== undefined) tokenUrl.searchParams.set('service', params['service']);
    tokenUrl.searchParams.set('scope', `repository:${ref.repository}:${access}`);
    const basic = login.credentials === undefined ? undefined : basicHeader(login.credentials);
    const response = await this.transport.send(
      ref.registry,
      tokenUrl.toString(),
      { method: 'GET', path: '' },
      basic,
    );
    const target = `${ref.registry}/${ref.repository}`;
    if (response.status === 401 || response.status === 403) {
      if (login.credentials === undefined) throw this.authRequired(ref, login);
      throw new OperationalError<OciErrorCode>(
        this.redact(rejectedMessage(`token service ${tokenUrl.origin}`, login, target, response.status)),
        { code: 'REGISTRY_AUTH_REJECTED' },
      );
    }
    if (response.status !== 200) {
      throw new OperationalError<OciErrorCode>(
        `token service ${tokenUrl.origin} answered HTTP ${response.status} for ${target}`,
        { code: 'REGISTRY_ERROR' },
      );
    }
    let token: unknown;
    try {
      const body = JSON.parse(response.body.toString('utf8')) as { token?: unknown; access_token?: unknown };
      token = body.token ?? body.access_token;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string' || token === '') {
      throw new OperationalError<OciErrorCode>(
        `token service ${tokenUrl.origin} answered without a token for ${target}`,
        { code: 'REGISTRY_ERROR' },
      );
    }
    this.secrets.add(token);
    return token;
  }

  /** The given credentials for the registry (by exact host), else the Docker config's. */
  private loginFor(registry: string): Login {
    const explicit = Object.entries(this.options.credentials ?? {}).find(
      ([key]) => canonicalRegistry(key) === canonicalRegistry(registry),
    )?.[1];
    if (explicit !== undefined) return { credentials: explicit, source: 'the given credentials' };
    if (this.options.dockerConfig === false) return { source: 'no credentials were given' };
    const lookup = lookupDockerCredentials(registry, this.options.dockerConfig ?? {});
    if (lookup.credentials !== undefined) {
      this.rememberSecret(lookup.credentials);
      return { credentials: lookup.credentials, source: `the credentials in ${lookup.file}` };
    }
    const login: Login = { source: `no credentials were given and ${lookup.file} has none for it` };
    if (lookup.unsupported !== undefined) login.unsupported = lookup.unsupported;
    return login;
  }

  private rememberSecret(credentials: Credentials): void {
    this.secrets.add(credentials.password);
    this.secrets.add(Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64'));
  }
}

function scopeKey(ref: ImageReference, access: Access): string {
  return `${canonicalRegistry(ref.registry)}|${ref.repository}|${access}`;
}
