import { bundleToJSON } from '@sigstore/bundle';
import {
  fulcioHandler,
  initializeCA,
  initializeTLog,
  initializeTSA,
  rekorHandler,
  tsaHandler,
  type HandlerFn,
} from '@sigstore/mock';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { DSSEBundleBuilder, FulcioSigner, RekorWitness, TSAWitness } from '@sigstore/sign';
import { X509Certificate } from '@sigstore/core';
import { createHash, generateKeyPairSync, sign as signData, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Sigstore stand-in on loopback with real cryptography: @sigstore/mock's Fulcio, Rekor and
 * timestamp authority behind one node:http server on 127.0.0.1, @sigstore/sign to sign in-toto
 * statements through it, and the matching TrustedRoot for @sigstore/verify (or a file for
 * `trusted-root`). Each signing takes its own OIDC claims, so one server issues certificates for
 * the genuine signer and for lookalikes.
 */

/** The claims GitHub puts in a job's OIDC token (those Fulcio turns into certificate extensions). */
export interface GitHubClaims {
  /** The certificate's SAN: for GitHub, https://github.com/<job_workflow_ref>. */
  identity: string;
  iss?: string;
  repository: string;
  ref?: string;
  sha?: string;
  workflow_ref?: string;
  job_workflow_ref?: string;
  /** The commit of the called (reusable) workflow: Fulcio's build signer digest, 1.3.6.1.4.1.57264.1.10. */
  job_workflow_sha?: string;
  event_name?: string;
}

export interface Sigstore {
  url: string;
  trustedRoot: Record<string, unknown>;
  /** Signs `statement` (an in-toto statement) as the given identity; returns the bundle JSON. */
  sign(statement: object, claims: GitHubClaims): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
const SAN_CLAIM = 'certificate_identity';

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();
const keyPair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
/** The mock hands out DER as typed-array views; the trusted root wants base64. */
const base64 = (view: ArrayBufferView) =>
  Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64');

/**
 * Rekor keeps a DSSE entry as hashes and signatures, not the proposed envelope the mock would
 * store; verifiers rebuild the stored form from the bundle, so the proposal is converted first.
 */
function storedDsseEntry(body: string): string {
  const proposed = JSON.parse(body) as {
    kind: string;
    apiVersion: string;
    spec: { proposedContent?: { envelope: string; verifiers: string[] } };
  };
  const content = proposed.spec.proposedContent;
  if (proposed.kind !== 'dsse' || content === undefined) return body;
  const envelope = JSON.parse(content.envelope) as { payload: string; signatures: { sig: string }[] };
  return JSON.stringify({
    apiVersion: proposed.apiVersion,
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: sha256(content.envelope).toString('hex') },
      payloadHash: {
        algorithm: 'sha256',
        value: sha256(Buffer.from(envelope.payload, 'base64')).toString('hex'),
      },
      signatures: envelope.signatures.map((signature, i) => ({
        signature: signature.sig,
        verifier: content.verifiers[i] ?? content.verifiers[0],
      })),
    },
  });
}

type CTLog = NonNullable<Parameters<typeof initializeCA>[1]>;

/**
 * A CT log whose SCTs parse. The mock's own log writes an SCT that @sigstore/core cannot read
 * (its signature comes out truncated, and the CA writes the SCT list without the per-SCT length),
 * so certificates would carry an unreadable SCT extension. This log signs the precertificate as
 * RFC 6962 says and returns the SCT with its own length in front, which turns the CA's framing
 * into a valid one-entry SCT list.
 */
function ctLogOf(keys: { publicKey: KeyObject; privateKey: KeyObject }, clock: Date): CTLog {
  const publicKey = keys.publicKey.export({ format: 'der', type: 'spki' });
  const logID = sha256(publicKey);
  return {
    publicKey,
    logID,
    log: async (certificate: ArrayBuffer, issuerID: ArrayBuffer) => {
      const tbs = X509Certificate.parse(Buffer.from(certificate)).tbsCertificate.toDER();
      const timestamp = Buffer.alloc(8);
      timestamp.writeBigUInt64BE(BigInt(clock.getTime()));
      const length24 = Buffer.alloc(3);
      length24.writeUIntBE(tbs.length, 0, 3);
      const signed = Buffer.concat([
        Buffer.from([0, 0]), // v1, certificate_timestamp
        timestamp,
        Buffer.from([0, 1]), // precert_entry
        Buffer.from(issuerID),
        length24,
        tbs,
        Buffer.from([0, 0]), // no extensions
      ]);
      const signature = signData('sha256', signed, keys.privateKey);
      const sigLength = Buffer.alloc(2);
      sigLength.writeUInt16BE(signature.length);
      const sct = Buffer.concat([
        Buffer.from([0]),
        logID,
        timestamp,
        Buffer.from([0, 0]),
        Buffer.from([4, 3]), // sha256, ecdsa
        sigLength,
        signature,
      ]);
      const framed = Buffer.alloc(2 + sct.length);
      framed.writeUInt16BE(sct.length);
      sct.copy(framed, 2);
      return framed.buffer.slice(framed.byteOffset, framed.byteOffset + framed.length);
    },
  };
}

function token(claims: GitHubClaims): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const { identity, ...rest } = claims;
  const body = {
    iss: GITHUB_ISSUER,
    aud: 'sigstore',
    sub: `repo:${claims.repository}`,
    ...rest,
    [SAN_CLAIM]: identity,
  };
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(body)}.`;
}

export async function startSigstore(): Promise<Sigstore> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // One clock in whole seconds (certificates and RFC 3161 times carry no fractions), a little
  // ahead of now so that timestamps fall inside the mock TSA's own certificate validity.
  const clock = new Date(Math.floor(Date.now() / 1000) * 1000 + 2000);
  const ctKeys = keyPair();
  const tlogKeys = keyPair();
  const ctLog = ctLogOf(ctKeys, clock);
  const ca = await initializeCA(keyPair(), ctLog, clock);
  const tlog = await initializeTLog(url, tlogKeys, clock);
  const tsa = await initializeTSA(keyPair(), clock);
  const fulcio = fulcioHandler(ca, { subjectClaim: SAN_CLAIM });
  const rekor = rekorHandler(tlog);
  const timestamps = tsaHandler(tsa);
  const routes: Record<string, HandlerFn> = {
    [fulcio.path]: fulcio.fn,
    [rekor.path]: (body) => rekor.fn(storedDsseEntry(body)),
    [timestamps.path]: timestamps.fn,
  };
  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const route = routes[new URL(req.url ?? '/', url).pathname];
      if (req.method !== 'POST' || route === undefined) {
        res.writeHead(404).end();
        return;
      }
      void route(Buffer.concat(chunks).toString('utf8')).then((result) => {
        res
          .writeHead(result.statusCode, { 'content-type': result.contentType ?? 'text/plain' })
          .end(result.response);
      });
    });
  });

  const validFor = { start: '2000-01-01T00:00:00Z' };
  const der = (key: ReturnType<typeof keyPair>) =>
    key.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const trustedRoot = TrustedRoot.toJSON(
    TrustedRoot.fromJSON({
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [
        {
          baseUrl: url,
          hashAlgorithm: 'SHA2_256',
          publicKey: { rawBytes: der(tlogKeys), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor },
          logId: { keyId: sha256(tlog.publicKey).toString('base64') },
        },
      ],
      certificateAuthorities: [
        {
          subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
          uri: url,
          certChain: { certificates: [{ rawBytes: base64(ca.rootCertificate) }] },
          validFor,
        },
      ],
      ctlogs: [
        {
          baseUrl: url,
          hashAlgorithm: 'SHA2_256',
          publicKey: { rawBytes: der(ctKeys), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor },
          logId: { keyId: base64(ctLog.logID) },
        },
      ],
      timestampAuthorities: [
        {
          subject: { organization: 'sigstore.mock', commonName: 'tsa' },
          uri: url,
          certChain: {
            certificates: [
              { rawBytes: base64(tsa.intCertificate) },
              { rawBytes: base64(tsa.rootCertificate) },
            ],
          },
          validFor,
        },
      ],
    }),
  ) as Record<string, unknown>;

  return {
    url,
    trustedRoot,
    async sign(statement, claims) {
      const builder = new DSSEBundleBuilder({
        signer: new FulcioSigner({
          fulcioBaseURL: url,
          identityProvider: { getToken: async () => token(claims) },
          retry: 0,
        }),
        witnesses: [
          new RekorWitness({ rekorBaseURL: url, entryType: 'dsse', retry: 0 }),
          new TSAWitness({ tsaBaseURL: url, retry: 0 }),
        ],
      });
      const bundle = await builder.create({
        data: Buffer.from(JSON.stringify(statement)),
        type: 'application/vnd.in-toto+json',
      });
      return bundleToJSON(bundle) as unknown as Record<string, unknown>;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
