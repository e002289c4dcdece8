import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { InputError, OperationalError } from '@release-actions/errors';
import type { RegistryClient } from '@release-actions/oci';
import type { Logger } from '@release-actions/tools';
import { readFileSync } from 'node:fs';
import { statementProblem } from './attestation.js';
import { PREDICATE_TYPES, type CheckName } from './checks.js';
import { notFound, policyProblem } from './cosign-output.js';
import type { IdentityPolicy } from './identity.js';
import type { CheckResult, RekorEntry } from './report.js';
import { decodeEnvelope } from './statement.js';

/**
 * The native engine: no cosign binary. It finds the Sigstore bundles cosign v3 attaches to an
 * image (OCI referrers, or the sha256-<hex> tag where the registry has no referrers API),
 * verifies each with @sigstore/verify against a trusted root (certificate chain, SCT,
 * transparency-log inclusion and timestamps, DSSE signature), then applies the same identity
 * policy and statement checks as the cosign engine.
 */

/** Media types of a cosign v3 bundle artifact (the first is what cosign and @sigstore/oci write). */
export const BUNDLE_ARTIFACT_TYPES = [
  'application/vnd.dev.sigstore.bundle.v0.3+json',
  'application/vnd.dev.sigstore.bundle+json;version=0.3',
];

const OID_REPOSITORY = '1.3.6.1.4.1.57264.1.5';
const OID_SOURCE_REPOSITORY_URI = '1.3.6.1.4.1.57264.1.12';

type BundleCheck = Exclude<CheckName, 'provenance'>;
type Outcome = Pick<CheckResult, 'status' | 'identity' | 'issuer' | 'repository' | 'rekor' | 'reason'>;

/** A bundle is a few KiB; anything far larger is not one. */
const MAX_BUNDLE_BYTES = 8 * 1024 * 1024;

export interface NativeOptions {
  client: RegistryClient;
  /** A TrustedRoot JSON file; without it, Sigstore's public-good root through TUF. */
  trustedRoot?: string;
  /** Where the TUF client caches Sigstore's root (RUNNER_TEMP on a runner). */
  tufCachePath?: string;
  logger: Logger;
}

export async function loadVerifier(
  options: Pick<NativeOptions, 'trustedRoot' | 'tufCachePath' | 'logger'>,
): Promise<Verifier> {
  let root: TrustedRoot;
  if (options.trustedRoot !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(options.trustedRoot, 'utf8'));
    } catch (error) {
      throw new InputError(
        `Input 'trusted-root': ${options.trustedRoot} is not a readable JSON file (${(error as Error).message}).`,
      );
    }
    try {
      root = TrustedRoot.fromJSON(json);
    } catch (error) {
      throw new InputError(
        `Input 'trusted-root': ${options.trustedRoot} is not a Sigstore TrustedRoot (${(error as Error).message}).`,
      );
    }
    if (root.certificateAuthorities.length === 0 || root.tlogs.length === 0) {
      throw new InputError(
        `Input 'trusted-root': ${options.trustedRoot} names no certificate authority or no transparency log; it cannot verify keyless bundles.`,
      );
    }
    options.logger.info(`Trusted root: ${options.trustedRoot}`);
  } else {
    const { getTrustedRoot } = await import('@sigstore/tuf');
    try {
      const tuf: { cachePath?: string } = {};
      if (options.tufCachePath !== undefined) tuf.cachePath = options.tufCachePath;
      root = await getTrustedRoot(tuf);
    } catch (error) {
      throw new OperationalError(
        `cannot fetch Sigstore's trusted root through TUF: ${(error as Error).message}`,
      );
    }
    options.logger.info("Trusted root: Sigstore's public-good instance (TUF)");
  }
  return new Verifier(toTrustMaterial(root), { tlogThreshold: 1, ctlogThreshold: 1 });
}

interface FoundBundle {
  /** Artifact manifest digest, for messages. */
  digest: string;
  json?: unknown;
  /** Why the artifact could not be read as a bundle. */
  problem?: string;
  predicateType?: string;
}

/** Every bundle attached to `reference` (registry/repository@digest), read and parsed but not yet trusted. */
export async function findBundles(reference: string, options: NativeOptions): Promise<FoundBundle[]> {
  const found: FoundBundle[] = [];
  const referrers = (await options.client.listReferrers(reference)).filter((r) =>
    BUNDLE_ARTIFACT_TYPES.includes(r.artifactType ?? ''),
  );
  for (const referrer of referrers) {
    const manifest = await options.client.getManifest(`${reference.split('@')[0]}@${referrer.digest}`);
    const layers = manifest.json['layers'];
    const layer = Array.isArray(layers) ? (layers[0] as { digest?: unknown } | undefined) : undefined;
    if (typeof layer?.digest !== 'string') {
      found.push({ digest: referrer.digest, problem: 'the bundle artifact has no layer' });
      continue;
    }
    const blob = await options.client.getBlob(reference, layer.digest, { maxBytes: MAX_BUNDLE_BYTES });
    let json: unknown;
    try {
      json = JSON.parse(blob.toString('utf8'));
    } catch {
      found.push({ digest: referrer.digest, problem: 'the bundle is not JSON' });
      continue;
    }
    const envelope = (json as { dsseEnvelope?: unknown }).dsseEnvelope;
    const statement = envelope === undefined ? undefined : decodeEnvelope(envelope);
    const entry: FoundBundle = { digest: referrer.digest, json };
    if (statement !== undefined && typeof statement !== 'string')
      entry.predicateType = statement.predicateType;
    else entry.predicateType = referrer.annotations?.['dev.sigstore.bundle.predicateType'];
    found.push(entry);
  }
  return found;
}

function certificateOf(bundle: Bundle): X509Certificate | undefined {
  const content = bundle.verificationMaterial.content;
  const der =
    content.$case === 'certificate'
      ? content.certificate.rawBytes
      : content.$case === 'x509CertificateChain'
        ? content.x509CertificateChain.certificates[0]?.rawBytes
        : undefined;
  return der === undefined ? undefined : X509Certificate.parse(der);
}

/** The repository claim: the legacy GitHub extension (a raw string), else the source repository URI. */
export function repositoryClaim(certificate: X509Certificate): string | undefined {
  const legacy = certificate.extension(OID_REPOSITORY);
  if (legacy !== undefined) return legacy.value.toString('utf8');
  const uri = certificate.extension(OID_SOURCE_REPOSITORY_URI)?.valueObj.subs[0]?.value.toString('utf8');
  return uri?.replace(/^https:\/\/[^/]+\//, '');
}

function rekorOf(bundle: Bundle): RekorEntry | undefined {
  const entry = bundle.verificationMaterial.tlogEntries[0];
  if (entry === undefined) return undefined;
  const rekor: RekorEntry = { logIndex: Number(entry.logIndex) };
  const time = Number(entry.integratedTime);
  if (time > 0) rekor.integratedTime = time;
  return rekor;
}

/** Verifies one bundle for one check: cryptography, then identity, then the statement. */
export function judgeBundle(
  found: FoundBundle,
  verifier: Verifier,
  check: BundleCheck,
  digest: string,
  policy: Pick<IdentityPolicy, 'identityRegexp' | 'issuer' | 'repository'>,
): Outcome {
  if (found.problem !== undefined)
    return { status: 'failed', reason: `bundle ${found.digest}: ${found.problem}` };
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(found.json);
  } catch (error) {
    return {
      status: 'failed',
      reason: `bundle ${found.digest} is not a valid Sigstore bundle: ${(error as Error).message}`,
    };
  }
  const seen: Outcome = { status: 'failed' };
  const rekor = rekorOf(bundle);
  if (rekor) seen.rekor = rekor;
  const certificate = certificateOf(bundle);
  if (certificate) {
    const repository = repositoryClaim(certificate);
    if (certificate.subjectAltName) seen.identity = certificate.subjectAltName;
    if (repository) seen.repository = repository;
  }
  let signer;
  try {
    signer = verifier.verify(toSignedEntity(bundle));
  } catch (error) {
    return {
      ...seen,
      reason: `bundle does not verify (tampered or not from the trusted root): ${(error as Error).message}`,
    };
  }
  if (signer.identity?.subjectAlternativeName) seen.identity = signer.identity.subjectAlternativeName;
  if (signer.identity?.extensions?.issuer) seen.issuer = signer.identity.extensions.issuer;
  const problem = policyProblem(policy, seen);
  if (problem !== undefined) return { ...seen, reason: problem };
  if (bundle.content.$case !== 'dsseEnvelope') {
    return { ...seen, reason: 'the bundle signs a message, not an in-toto statement over the image' };
  }
  const statement = decodeEnvelope({
    payloadType: bundle.content.dsseEnvelope.payloadType,
    payload: bundle.content.dsseEnvelope.payload.toString('base64'),
  });
  if (typeof statement === 'string') return { ...seen, reason: `attestation not readable: ${statement}` };
  const wrong = statementProblem(statement, check, digest);
  return wrong === undefined ? { ...seen, status: 'passed' } : { ...seen, reason: wrong };
}

/** One check on one digest: any bundle of the right predicate type that passes everything will do. */
export function judgeBundles(
  bundles: readonly FoundBundle[],
  verifier: Verifier,
  check: BundleCheck,
  digest: string,
  policy: Pick<IdentityPolicy, 'identityRegexp' | 'issuer' | 'repository'>,
): Outcome {
  const candidates = bundles.filter(
    (b) => b.problem !== undefined || b.predicateType === PREDICATE_TYPES[check],
  );
  if (candidates.length === 0) return { status: 'failed', reason: notFound(check) };
  let first: Outcome | undefined;
  for (const candidate of candidates) {
    const outcome = judgeBundle(candidate, verifier, check, digest, policy);
    if (outcome.status === 'passed') return outcome;
    first ??= outcome;
  }
  return first as Outcome;
}
