import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bundleFromJSON, bundleToJSON } from '@sigstore/bundle';
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
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { RegistryClient } from '@release-actions/oci';
import { parseBundle } from '@release-actions/sigstore';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Layout, type BuiltIndex } from '../../harness/images.js';
import { startRegistry, type Registry } from '../../harness/registry.js';

/**
 * Real Sigstore cryptography, offline: Fulcio, Rekor and a timestamp authority from @sigstore/mock
 * served on loopback, @sigstore/sign signing an in-toto statement over an image digest from the
 * loopback registry, the bundle attached to the image as cosign v3 attaches it (an OCI artifact of
 * type application/vnd.dev.sigstore.bundle.v0.3+json whose subject is the image; the registry has
 * no referrers API, so through the sha256-<hex> tag), read back through packages/oci and verified
 * with @sigstore/verify against the mock's trusted root. This is the layout `verify` checks.
 */
const BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const SBOM_TYPE = 'https://spdx.dev/Document';

let registry: Registry;
let layout: Layout;
let image: BuiltIndex;
let sigstore: Server;
let sigstoreUrl: string;
let trustedRoot: ReturnType<typeof TrustedRoot.fromJSON>;

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();
const keyPair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });

/**
 * Rekor stores a DSSE entry as hashes and signatures, not as the proposed envelope the mock would
 * keep; verifiers compare the bundle with the stored form, so the proposal is turned into it here.
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

async function startSigstore(): Promise<void> {
  sigstore = createServer();
  await new Promise<void>((resolve) => sigstore.listen(0, '127.0.0.1', resolve));
  sigstoreUrl = `http://127.0.0.1:${(sigstore.address() as AddressInfo).port}`;
  // One clock in whole seconds for every service (certificates and RFC 3161 times carry no
  // fractions), a little ahead of now: the mock TSA's own certificates start at their creation,
  // and the timestamps must fall inside their validity.
  const clock = new Date(Math.floor(Date.now() / 1000) * 1000 + 2000);
  const caKeys = keyPair();
  const tlogKeys = keyPair();
  const tsaKeys = keyPair();
  // No CT log: the mock CA writes its SCT list without the per-SCT length prefix of RFC 6962,
  // which no verifier can parse; without a CT log it embeds no SCT at all.
  const ca = await initializeCA(caKeys, undefined, clock);
  const tlog = await initializeTLog(sigstoreUrl, tlogKeys, clock);
  const tsa = await initializeTSA(tsaKeys, clock);
  const rekor = rekorHandler(tlog);
  const routes: Record<string, HandlerFn> = {
    [fulcioHandler(ca).path]: fulcioHandler(ca).fn,
    [rekor.path]: (body) => rekor.fn(storedDsseEntry(body)),
    [tsaHandler(tsa).path]: tsaHandler(tsa).fn,
  };
  sigstore.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const route = routes[new URL(req.url ?? '/', sigstoreUrl).pathname];
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
  trustedRoot = TrustedRoot.fromJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: sigstoreUrl,
        hashAlgorithm: 'SHA2_256',
        publicKey: { rawBytes: der(tlogKeys), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor },
        logId: { keyId: sha256(tlog.publicKey).toString('base64') },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: sigstoreUrl,
        certChain: { certificates: [{ rawBytes: ca.rootCertificate.toString('base64') }] },
        validFor,
      },
    ],
    ctlogs: [],
    timestampAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'tsa' },
        uri: sigstoreUrl,
        certChain: {
          certificates: [
            { rawBytes: tsa.intCertificate.toString('base64') },
            { rawBytes: tsa.rootCertificate.toString('base64') },
          ],
        },
        validFor,
      },
    ],
  });
}

/** An unsigned OIDC token with the claims GitHub's token has; the mock Fulcio only decodes it. */
function identityToken(): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = {
    iss: 'https://token.actions.githubusercontent.com',
    sub: 'repo:aotanami/aotanami:ref:refs/tags/v1.0.0',
    aud: 'sigstore',
    repository: 'aotanami/aotanami',
    ref: 'refs/tags/v1.0.0',
    sha: 'a'.repeat(40),
    workflow_ref: 'aotanami/aotanami/.github/workflows/release.yml@refs/tags/v1.0.0',
    job_workflow_ref: 'aotanami/release-actions/.github/workflows/release.yml@refs/tags/v1',
    event_name: 'push',
  };
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

/** Certificate chain, signature, Rekor entry (SET, inclusion proof, body) and RFC 3161 timestamp. */
function verifier(): Verifier {
  return new Verifier(toTrustMaterial(trustedRoot), { tlogThreshold: 1, ctlogThreshold: 0, tsaThreshold: 1 });
}

beforeAll(async () => {
  registry = await startRegistry();
  layout = new Layout();
  image = layout.index('6.0', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ]);
  await layout.push('6.0', registry.host, 'signed/app');
  await startSigstore();
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  layout?.remove();
  await new Promise((resolve) => sigstore?.close(resolve));
});

describe('a keyless attestation, signed for real and attached as cosign v3 does', () => {
  it('signs an SBOM statement over a registry digest, attaches it, reads it back and verifies it', async () => {
    const client = new RegistryClient();
    const resolved = await client.resolve(`${registry.host}/signed/app:6.0`);
    expect(resolved.digest).toBe(image.index.digest);
    const subject = resolved.reference;

    const statement = {
      _type: 'https://in-toto.io/Statement/v1',
      subject: [
        { name: `${registry.host}/signed/app`, digest: { sha256: resolved.digest.slice('sha256:'.length) } },
      ],
      predicateType: SBOM_TYPE,
      predicate: { spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', name: 'app', packages: [] },
    };
    const builder = new DSSEBundleBuilder({
      signer: new FulcioSigner({
        fulcioBaseURL: sigstoreUrl,
        identityProvider: { getToken: async () => identityToken() },
        retry: 0,
      }),
      witnesses: [
        new RekorWitness({ rekorBaseURL: sigstoreUrl, entryType: 'dsse', retry: 0 }),
        new TSAWitness({ tsaBaseURL: sigstoreUrl, retry: 0 }),
      ],
    });
    const bundle = await builder.create({
      data: Buffer.from(JSON.stringify(statement)),
      type: 'application/vnd.in-toto+json',
    });
    const json = bundleToJSON(bundle);
    expect(json.mediaType).toBe(BUNDLE_TYPE);
    const signer = verifier().verify(toSignedEntity(bundleFromJSON(json)));
    expect(signer.identity?.subjectAlternativeName).toBe('repo:aotanami/aotanami:ref:refs/tags/v1.0.0');
    expect(signer.identity?.extensions?.issuer).toBe('https://token.actions.githubusercontent.com');

    const content = Buffer.from(JSON.stringify(json));
    const attached = await client.attachArtifact(subject, {
      artifactType: BUNDLE_TYPE,
      content,
      annotations: {
        'dev.sigstore.bundle.content': 'dsse-envelope',
        'dev.sigstore.bundle.predicateType': SBOM_TYPE,
      },
    });

    // distribution 2.8 has no referrers API: the artifact is found through the sha256-<hex> tag.
    const referrers = await client.listReferrers(subject, BUNDLE_TYPE);
    expect(referrers.map((r) => r.digest)).toEqual([attached.digest]);
    expect(referrers[0]?.annotations?.['dev.sigstore.bundle.predicateType']).toBe(SBOM_TYPE);
    const tagIndex = await client.getManifest(
      `${registry.host}/signed/app:${resolved.digest.replace(':', '-')}`,
    );
    expect((tagIndex.json.manifests as { digest: string }[]).map((m) => m.digest)).toEqual([attached.digest]);

    const manifest = await client.getManifest(`${registry.host}/signed/app@${attached.digest}`);
    expect(manifest.json.artifactType).toBe(BUNDLE_TYPE);
    expect((manifest.json.subject as { digest: string }).digest).toBe(resolved.digest);
    const [layer] = manifest.json.layers as { digest: string; mediaType: string }[];
    expect(layer?.mediaType).toBe(BUNDLE_TYPE);
    const blob = await client.getBlob(subject, layer?.digest ?? '');
    expect(`sha256:${sha256(blob).toString('hex')}`).toBe(layer?.digest);

    const readBack = JSON.parse(blob.toString('utf8'));
    verifier().verify(toSignedEntity(bundleFromJSON(readBack)));
    const payload = JSON.parse(Buffer.from(readBack.dsseEnvelope.payload, 'base64').toString('utf8'));
    expect(`sha256:${payload.subject[0].digest.sha256}`).toBe(resolved.digest);
    expect(payload.predicateType).toBe(SBOM_TYPE);
    // What the sign and attest actions report about a bundle is read the same way.
    expect(parseBundle(blob.toString('utf8'))).toEqual({
      mediaType: BUNDLE_TYPE,
      logIndex: Number(readBack.verificationMaterial.tlogEntries[0].logIndex),
      integratedTime: Number(readBack.verificationMaterial.tlogEntries[0].integratedTime),
      entryKind: 'dsse',
    });
    expect(readBack.verificationMaterial.timestampVerificationData.rfc3161Timestamps).toHaveLength(1);

    // A statement swapped for another image's digest no longer verifies.
    const forged = structuredClone(readBack);
    const other = {
      ...statement,
      subject: [{ ...statement.subject[0], digest: { sha256: 'f'.repeat(64) } }],
    };
    forged.dsseEnvelope.payload = Buffer.from(JSON.stringify(other)).toString('base64');
    expect(() => verifier().verify(toSignedEntity(bundleFromJSON(forged)))).toThrow();
  });
});
