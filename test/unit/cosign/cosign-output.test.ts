import { describe, expect, it } from '@jest/globals';
import { OperationalError } from '@release-actions/core';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_SIGNING_RETRY,
  isAlreadyLogged,
  isTransientFailure,
  parseBundle,
  rekorUrl,
  signingRetryPolicy,
} from '@release-actions/cosign';
import { parsePushOutput } from '@release-actions/helm';
import { repoRoot } from '../../harness/run-bundle.js';

describe('isTransientFailure: what is worth another cosign attempt', () => {
  it.each([
    'Error: signing [x]: POST https://rekor.sigstore.dev/api/v1/log/entries: 502 Bad Gateway',
    'getting signer: getting key from Fulcio: retrieving cert: POST https://fulcio.sigstore.dev/api/v2/signingCert giving up after 4 attempt(s): unexpected status code: 503',
    'error: [POST /api/v1/log/entries][500] createLogEntryDefault',
    'tlog upload: status code 429',
    'Service Unavailable',
    'Post "https://timestamp.sigstore.dev/api/v1/timestamp": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
    'read tcp 10.1.0.4:43210->142.250.1.1:443: read: connection reset by peer',
    'dial tcp: i/o timeout',
    'net/http: TLS handshake timeout',
    // cosign v3.1.3 with Fulcio down behind a 502, after its own retries (test/real/keyless.test.ts).
    'Signing artifact...\nError: signing [127.0.0.1:39945/transient/down@sha256:fde90e870787bd4b9b82e4fd3d5cca930d418a15bc6b8394a999f799ae2012fb]: signing digest: signing bundle: error signing bundle: http: read on closed response body\nerror during command execution: signing [127.0.0.1:39945/transient/down@sha256:fde90e870787bd4b9b82e4fd3d5cca930d418a15bc6b8394a999f799ae2012fb]: signing digest: signing bundle: error signing bundle: http: read on closed response body',
  ])('retries: %s', (stderr) => {
    expect(isTransientFailure(stderr)).toBe(true);
  });

  it.each([
    'Error: signing [x]: getting key from Fulcio: 403 Forbidden: permission denied',
    'Error: signing [x]: accessing entity: MANIFEST_UNKNOWN: manifest unknown',
    'Error: reading key: decrypt: encrypted: decryption failed',
    // A digest that happens to hold "502" is not an HTTP status.
    'Error: signing [ghcr.io/a/b@sha256:5020429e5020429e5020429e5020429e5020429e5020429e5020429e5020429e]: UNAUTHORIZED',
    'Error: no provider found for that key reference',
  ])('does not retry: %s', (stderr) => {
    expect(isTransientFailure(stderr)).toBe(false);
  });

  it('treats Rekor’s 409 as already logged, not as a failure to retry', () => {
    const conflict =
      '[POST /api/v1/log/entries][409] createLogEntryConflict  &{Code:409 Message:"an equivalent entry already exists in the transparency log with UUID 24296fb2"}';
    expect(isAlreadyLogged(conflict)).toBe(true);
    expect(isTransientFailure(conflict)).toBe(false);
    expect(isAlreadyLogged('PUT https://registry/v2/x/manifests/y: 409 Conflict')).toBe(false);
  });
});

describe('parseBundle: the Rekor entry of a Sigstore bundle', () => {
  const upstream = readFileSync(
    path.join(repoRoot, 'test', 'fixtures', 'upstream', 'cosign', 'bundle', 'oci-attestation.sigstore.json'),
    'utf8',
  );

  it('reads the log index, time and kind of cosign’s v0.3 bundle (int64 written as strings)', () => {
    expect(parseBundle(upstream)).toEqual({
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      logIndex: 175508996,
      integratedTime: 1740770291,
      entryKind: 'dsse',
      logId: 'wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0=',
    });
  });

  it('accepts numbers, and leaves the index unknown without a tlog entry', () => {
    expect(parseBundle('{"verificationMaterial":{"tlogEntries":[{"logIndex":42}]}}').logIndex).toBe(42);
    expect(parseBundle('{"mediaType":"x","verificationMaterial":{}}').logIndex).toBeUndefined();
    expect(
      parseBundle('{"verificationMaterial":{"tlogEntries":[{"logIndex":"-1"}]}}').logIndex,
    ).toBeUndefined();
  });

  it('refuses a file that is not JSON', () => {
    expect(() => parseBundle('not json', 'b.json')).toThrow(OperationalError);
    expect(() => parseBundle('not json', 'b.json')).toThrow(/b\.json, but it is not JSON/);
  });

  it('links the entry on search.sigstore.dev', () => {
    expect(rekorUrl(175508996)).toBe('https://search.sigstore.dev/?logIndex=175508996');
  });
});

describe('signingRetryPolicy', () => {
  it('keeps trying for at most 10 minutes by default', () => {
    expect(signingRetryPolicy({})).toEqual(DEFAULT_SIGNING_RETRY);
    expect(DEFAULT_SIGNING_RETRY.deadlineMs).toBe(600_000);
  });

  it('takes a shorter first delay from the environment, keeping the bounds', () => {
    const policy = signingRetryPolicy({ RELEASE_ACTIONS_RETRY_DELAY_MS: '10' });
    expect(policy.initialDelayMs).toBe(10);
    expect(policy.attempts).toBe(DEFAULT_SIGNING_RETRY.attempts);
    expect(policy.deadlineMs).toBe(600_000);
    expect(signingRetryPolicy({ RELEASE_ACTIONS_RETRY_DELAY_MS: 'soon' })).toEqual(DEFAULT_SIGNING_RETRY);
  });
});

describe('parsePushOutput: helm push', () => {
  it('reads the pushed reference and digest', () => {
    const output =
      'Pushed: localhost:5000/helm-charts/mychart:0.1.0\nDigest: sha256:ec5f08ee7be8b557cd1fc5ae1a0ac985e8538da7c93f51a51eff4b277509a723\n';
    expect(parsePushOutput(output)).toEqual({
      pushed: 'localhost:5000/helm-charts/mychart:0.1.0',
      digest: 'sha256:ec5f08ee7be8b557cd1fc5ae1a0ac985e8538da7c93f51a51eff4b277509a723',
    });
  });

  it('finds nothing in other output', () => {
    expect(parsePushOutput('Error: unexpected status 401\nDigest: sha256:short\n')).toEqual({
      pushed: undefined,
      digest: undefined,
    });
  });
});
