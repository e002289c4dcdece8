import { OperationalError, silentLogger } from '@release-actions/core';
import type { Logger } from '@release-actions/core';
import { RegistryAuth, type Access, type AuthOptions } from './auth.js';
import type { OciErrorCode } from './errors.js';
import type { ImageReference } from './reference.js';
import { Transport, type HttpResponse, type RequestSpec, type TransportOptions } from './transport.js';

export type ConnectionOptions = TransportOptions & AuthOptions;

/**
 * What the manifest, referrer and push operations send their requests through: the transport with
 * the registry's authentication, and the one way a failed answer becomes an error.
 */
export class RegistryConnection {
  readonly logger: Logger;
  private readonly transport: Transport;
  private readonly auth: RegistryAuth;

  constructor(options: ConnectionOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.transport = new Transport(options);
    this.auth = new RegistryAuth(this.transport, options);
  }

  baseUrl(registry: string): string {
    return this.transport.baseUrl(registry);
  }

  /** A request to the repository of `ref`, authenticated when the registry answers 401. */
  async request(ref: ImageReference, spec: RequestSpec): Promise<HttpResponse> {
    const access: Access = spec.push === true ? 'pull,push' : 'pull';
    const base = this.baseUrl(ref.registry);
    const url = /^https?:\/\//.test(spec.path) ? spec.path : `${base}/v2/${ref.repository}/${spec.path}`;
    // Upload locations and Link pages may point elsewhere (blob storage): no registry credentials there.
    if (new URL(url).origin !== new URL(base).origin) return this.transport.send(ref.registry, url, spec);

    const response = await this.transport.send(ref.registry, url, spec, this.auth.authorization(ref, access));
    if (response.status !== 401) return response;
    const grant = await this.auth.answer(ref, access, response.headers.get('www-authenticate') ?? '');
    const retried = await this.transport.send(ref.registry, url, spec, grant.header);
    if (retried.status === 401 || retried.status === 403) {
      throw this.auth.refused(ref, access, grant, retried.status);
    }
    return retried;
  }

  /** `cannot <action>: registry … answered HTTP <status> (<the registry's error codes>)`, secrets redacted. */
  statusError(response: HttpResponse, action: string, ref: ImageReference): OperationalError<OciErrorCode> {
    let detail = '';
    try {
      const errors = (
        JSON.parse(response.body.toString('utf8')) as { errors?: { code?: string; message?: string }[] }
      ).errors;
      detail = errors?.map((e) => [e.code, e.message].filter(Boolean).join(' ')).join('; ') ?? '';
    } catch {
      detail = '';
    }
    const message = `cannot ${action}: registry ${ref.registry} answered HTTP ${response.status}${detail ? ` (${detail})` : ''}`;
    return new OperationalError<OciErrorCode>(this.auth.redact(message), {
      code: response.status === 401 || response.status === 403 ? 'REGISTRY_AUTH_REJECTED' : 'REGISTRY_ERROR',
    });
  }
}
