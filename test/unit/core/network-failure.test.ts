import { describe, expect, it } from '@jest/globals';
import { networkFailureOf } from '@release-actions/core';

/** What undici throws: TypeError("fetch failed") with the socket's error as its cause. */
function fetchFailed(cause: object): TypeError {
  return new TypeError('fetch failed', { cause });
}

function systemError(code: string, message = `connect ${code}`, extra: object = {}): Error {
  return Object.assign(new Error(message), { code, ...extra });
}

describe('networkFailureOf', () => {
  it('tells a DNS failure, and does not call it transient', () => {
    const failure = networkFailureOf(
      fetchFailed(systemError('ENOTFOUND', 'getaddrinfo ENOTFOUND x.invalid', { hostname: 'x.invalid' })),
    );
    expect(failure).toEqual({
      kind: 'dns',
      code: 'ENOTFOUND',
      hostname: 'x.invalid',
      reason: 'DNS lookup failed: ENOTFOUND',
      transient: false,
    });
    expect(networkFailureOf(fetchFailed(systemError('EAI_AGAIN')))).toMatchObject({
      kind: 'dns',
      transient: false,
    });
  });

  it('retries refused and reset connections and timeouts', () => {
    expect(networkFailureOf(fetchFailed(systemError('ECONNREFUSED')))).toMatchObject({
      kind: 'refused',
      reason: 'connection refused: ECONNREFUSED',
      transient: true,
    });
    expect(networkFailureOf(fetchFailed(systemError('ECONNRESET')))).toMatchObject({
      kind: 'reset',
      transient: true,
    });
    expect(networkFailureOf(fetchFailed(systemError('UND_ERR_CONNECT_TIMEOUT')))).toMatchObject({
      kind: 'timeout',
      transient: true,
    });
    expect(
      networkFailureOf(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    ).toEqual({
      kind: 'timeout',
      reason: 'timed out',
      transient: true,
    });
  });

  it('does not retry a certificate that is not trusted, and words it plainly', () => {
    expect(
      networkFailureOf(fetchFailed(systemError('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'))),
    ).toEqual({
      kind: 'tls',
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      hostname: undefined,
      reason: 'TLS certificate not accepted: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)',
      transient: false,
    });
    // Node 24 appends its own advice after a semicolon; ours replaces it.
    expect(
      networkFailureOf(
        fetchFailed(
          systemError(
            'DEPTH_ZERO_SELF_SIGNED_CERT',
            'self-signed certificate; if the root CA is installed locally, try running Node.js with --use-system-ca',
          ),
        ),
      ),
    ).toMatchObject({
      reason: 'TLS certificate not accepted: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)',
    });
    for (const code of [
      'CERT_HAS_EXPIRED',
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      'ERR_TLS_CERT_ALTNAME_INVALID',
    ])
      expect(networkFailureOf(fetchFailed(systemError(code)))).toMatchObject({
        kind: 'tls',
        transient: false,
      });
    expect(
      networkFailureOf(
        fetchFailed(systemError('ERR_SSL_WRONG_VERSION_NUMBER', '80FC…:error:0A00010B:SSL routines')),
      ),
    ).toMatchObject({
      kind: 'tls',
      reason: 'TLS handshake failed, the server does not speak TLS (ERR_SSL_WRONG_VERSION_NUMBER)',
    });
    // A handshake that times out is a timeout, and may succeed next time.
    expect(networkFailureOf(fetchFailed(systemError('ERR_TLS_HANDSHAKE_TIMEOUT')))).toMatchObject({
      kind: 'timeout',
      transient: true,
    });
  });

  it('does not retry a network this machine has no route to', () => {
    expect(networkFailureOf(fetchFailed(systemError('ENETUNREACH')))).toMatchObject({
      kind: 'unreachable',
      transient: false,
    });
  });

  it('reads the code through nested causes and happy-eyeballs aggregates', () => {
    const body = new TypeError('terminated', { cause: systemError('UND_ERR_SOCKET', 'other side closed') });
    expect(networkFailureOf(body)).toMatchObject({ kind: 'reset', code: 'UND_ERR_SOCKET' });
    const aggregate = new AggregateError([systemError('ECONNREFUSED'), systemError('ECONNREFUSED')]);
    expect(networkFailureOf(fetchFailed(aggregate))).toMatchObject({ kind: 'refused' });
  });

  it('says nothing about errors that carry no network code', () => {
    expect(networkFailureOf(new Error('bad port'))).toBeUndefined();
    expect(networkFailureOf(fetchFailed(new TypeError('bad port')))).toBeUndefined();
    expect(networkFailureOf('fetch failed')).toBeUndefined();
    expect(networkFailureOf(undefined)).toBeUndefined();
  });
});
