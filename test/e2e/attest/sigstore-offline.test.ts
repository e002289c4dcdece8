import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { RegistryClient } from '@release-actions/oci';
import { parseBundle } from '@release-actions/cosign';
import { createHash } from 'node:crypto';
import { Layout, type BuiltIndex } from '../../harness/images.js';
import { startRegistry, type Registry } from '../../harness/registry.js';
import { GITHUB_ISSUER, startSigstore, type GitHubClaims, type Sigstore } from '../../harness/sigstore.js';

/**
 * Real Sigstore cryptography, offline: Fulcio, Rekor and a timestamp authority from @sigstore/mock
 * served on loopback (test/harness/sigstore.ts), @sigstore/sign signing an in-toto statement over an image digest from the
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
let sigstore: Sigstore;

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();

/** The claims of GitHub's OIDC token for a tag push in the caller's repository, signing through our workflow. */
const claims: GitHubClaims = {
  identity: 'repo:aotanami/aotanami:ref:refs/tags/v1.0.0',
  repository: 'aotanami/aotanami',
  ref: 'refs/tags/v1.0.0',
  sha: 'a'.repeat(40),
  workflow_ref: 'aotanami/aotanami/.github/workflows/release.yml@refs/tags/v1.0.0',
  job_workflow_ref: 'aotanami/release-actions/.github/workflows/release.yml@refs/tags/v1',
  event_name: 'push',
};

/** Certificate chain and SCT, signature, Rekor entry (SET, inclusion proof, body) and RFC 3161 timestamp. */
function verifier(): Verifier {
  return new Verifier(toTrustMaterial(TrustedRoot.fromJSON(sigstore.trustedRoot)), {
    tlogThreshold: 1,
    ctlogThreshold: 1,
    tsaThreshold: 1,
  });
}

beforeAll(async () => {
  registry = await startRegistry();
  layout = new Layout();
  image = layout.index('6.0', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ]);
  await layout.push('6.0', registry.host, 'signed/app');
  sigstore = await startSigstore();
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  layout?.remove();
  await sigstore?.stop();
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
    const json = await sigstore.sign(statement, claims);
    expect(json.mediaType).toBe(BUNDLE_TYPE);
    const signer = verifier().verify(toSignedEntity(bundleFromJSON(json)));
    expect(signer.identity?.subjectAlternativeName).toBe('repo:aotanami/aotanami:ref:refs/tags/v1.0.0');
    expect(signer.identity?.extensions?.issuer).toBe(GITHUB_ISSUER);

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
      logId: readBack.verificationMaterial.tlogEntries[0].logId.keyId,
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
