import { bundleToJSON } from '@sigstore/bundle';
import { FulcioSigner, MessageSignatureBundleBuilder, RekorWitness, TSAWitness } from '@sigstore/sign';
import type { GitHubClaims, Sigstore } from '../../harness/sigstore.js';
import { GITHUB_ISSUER } from '../../harness/sigstore.js';

/** The token the Sigstore stand-in's Fulcio turns into a certificate (its SAN claim is certificate_identity). */
function token(claims: GitHubClaims): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const { identity, ...rest } = claims;
  const body = {
    iss: GITHUB_ISSUER,
    aud: 'sigstore',
    sub: `repo:${claims.repository}`,
    ...rest,
    certificate_identity: identity,
  };
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(body)}.`;
}

/**
 * What `cosign sign-blob --bundle` writes, made through the stand-in: a message signature over
 * the bytes, a hashedrekord entry in its Rekor, a timestamp, a Fulcio certificate with `claims`.
 */
export async function signBlob(
  sigstore: Sigstore,
  data: Buffer,
  claims: GitHubClaims,
): Promise<Record<string, unknown>> {
  const builder = new MessageSignatureBundleBuilder({
    signer: new FulcioSigner({
      fulcioBaseURL: sigstore.url,
      identityProvider: { getToken: async () => token(claims) },
      retry: 0,
    }),
    witnesses: [
      new RekorWitness({ rekorBaseURL: sigstore.url, retry: 0 }),
      new TSAWitness({ tsaBaseURL: sigstore.url, retry: 0 }),
    ],
  });
  const bundle = await builder.create({ data });
  return bundleToJSON(bundle) as unknown as Record<string, unknown>;
}
