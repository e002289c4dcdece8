import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { InputError, OperationalError, readInputFile } from '@release-actions/core';
import type { RegistryClient } from '@release-actions/oci';
import type { Logger } from '@release-actions/core';
import type { KeyObject } from 'node:crypto';
import { TRUSTED_ROOT_FILE } from './input-files.js';
import { statementProblem, withStatementFacts } from './attestation.js';
import { PREDICATE_TYPES, type CheckName } from './checks.js';
import { checkClaims, claimProblem, type ClaimPolicy, type Claims } from './claims.js';
import { notFound } from './cosign-output.js';
import { NOT_LOGGED, type TransparencyLogMode } from './key.js';
import type { CheckResult, RekorEntry } from './report.js';
import { decodeEnvelope, type Statement } from './statement.js';
import type { VerifyErrorCode } from './errors.js';
import type { BundleSource } from './bundle-source.js';

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

/** Fulcio's extensions: the legacy ones hold raw strings, the newer ones DER UTF8Strings. */
const OID = {
  issuerLegacy: '1.3.6.1.4.1.57264.1.1',
  triggerLegacy: '1.3.6.1.4.1.57264.1.2',
  repositoryLegacy: '1.3.6.1.4.1.57264.1.5',
  refLegacy: '1.3.6.1.4.1.57264.1.6',
  issuer: '1.3.6.1.4.1.57264.1.8',
  buildSignerDigest: '1.3.6.1.4.1.57264.1.10',
  sourceRepositoryUri: '1.3.6.1.4.1.57264.1.12',
  sourceRepositoryRef: '1.3.6.1.4.1.57264.1.14',
  buildTrigger: '1.3.6.1.4.1.57264.1.20',
} as const;

type BundleCheck = Exclude<CheckName, 'provenance'>;
type Outcome = Omit<CheckResult, 'check' | 'subject' | 'platform'>;

/** A bundle is a few KiB; anything far larger is not one. */
export const MAX_BUNDLE_BYTES = 8 * 1024 * 1024;

export interface NativeOptions {
  client: RegistryClient;
  /** A TrustedRoot JSON file; without it, Sigstore's public-good root through TUF. */
  trustedRoot?: string;
  /** Where the TUF client caches Sigstore's root (RUNNER_TEMP on a runner). */
  tufCachePath?: string;
  logger: Logger;
  /** Key-based: bundles must be signed by this key (and carry no certificate). */
  publicKey?: KeyObject;
  /** skip: a bundle with no transparency-log entry is accepted (only with publicKey). */
  transparencyLog?: TransparencyLogMode;
}

/** How bundles are judged: by a key or by a certificate identity, with or without a log entry. */
export interface BundleMode {
  key: boolean;
  transparencyLog: TransparencyLogMode;
}

export const KEYLESS: BundleMode = { key: false, transparencyLog: 'required' };

/** A trusted root with nothing in it: all a key-only, log-free verification needs. */
const EMPTY_ROOT = {
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  tlogs: [],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
};

const TRUSTED_ROOT = { input: 'trusted-root', code: 'TRUSTED_ROOT_INVALID' } as const;

export async function loadVerifier(
  options: Pick<NativeOptions, 'trustedRoot' | 'tufCachePath' | 'logger' | 'publicKey' | 'transparencyLog'>,
): Promise<Verifier> {
  const skip = options.publicKey !== undefined && options.transparencyLog === 'skip';
  let root: TrustedRoot;
  if (options.trustedRoot === undefined && skip) {
    // Nothing to fetch: the key is the only trust, and no log is consulted.
    root = TrustedRoot.fromJSON(EMPTY_ROOT);
    options.logger.info('Trusted root: none (the key alone; no transparency log)');
  } else if (options.trustedRoot !== undefined) {
    const text = readInputFile(options.trustedRoot, TRUSTED_ROOT_FILE);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new InputError<VerifyErrorCode>(
        `${options.trustedRoot} is not a readable JSON file (${(error as Error).message}).`,
        TRUSTED_ROOT,
      );
    }
    try {
      root = TrustedRoot.fromJSON(json);
    } catch (error) {
      throw new InputError<VerifyErrorCode>(
        `${options.trustedRoot} is not a Sigstore TrustedRoot (${(error as Error).message}).`,
        TRUSTED_ROOT,
      );
    }
    // A key needs no certificate authority; without a log, only the checks say what is missing.
    if (
      options.publicKey === undefined &&
      (root.certificateAuthorities.length === 0 || root.tlogs.length === 0)
    ) {
      throw new InputError<VerifyErrorCode>(
        `${options.trustedRoot} names no certificate authority or no transparency log; it cannot verify keyless bundles.`,
        TRUSTED_ROOT,
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
  const key = options.publicKey;
  const material =
    key === undefined
      ? toTrustMaterial(root)
      : toTrustMaterial(root, () => ({ publicKey: key, validFor: () => true }));
  // A log entry is required unless the consumer opted out, which only a key allows. A key has no
  // validity window to place the signature in, so such a bundle needs no timestamp either; every
  // other bundle needs one (the log's integrated time, or a timestamp authority's for Rekor v2).
  return new Verifier(material, {
    tlogThreshold: skip ? 0 : 1,
    timestampThreshold: skip ? 0 : 1,
    ctlogThreshold: 1,
  });
}

export interface FoundBundle {
  /** Artifact manifest digest (registry) or the store's label for it, for messages. */
  digest: string;
  json?: unknown;
  /** Why the artifact could not be read as a bundle. */
  problem?: string;
  predicateType?: string;
}

/** A bundle's text parsed, with the predicate type its DSSE statement names (else `fallbackType`). */
function parseFound(label: string, text: string, fallbackType?: string): FoundBundle {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { digest: label, problem: 'the bundle is not JSON' };
  }
  const envelope = (json as { dsseEnvelope?: unknown } | null)?.dsseEnvelope;
  const statement = envelope === undefined ? undefined : decodeEnvelope(envelope);
  const entry: FoundBundle = { digest: label, json };
  if (statement !== undefined && typeof statement !== 'string') entry.predicateType = statement.predicateType;
  else entry.predicateType = fallbackType;
  return entry;
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
    found.push(
      parseFound(
        referrer.digest,
        blob.toString('utf8'),
        referrer.annotations?.['dev.sigstore.bundle.predicateType'],
      ),
    );
  }
  return found;
}

/** Every bundle `source` holds for `digest`, read and parsed but not yet trusted. */
export async function bundlesFromSource(source: BundleSource, digest: string): Promise<FoundBundle[]> {
  return (await source.bundles(digest)).map((bundle) => {
    if (bundle.text === undefined) {
      return { digest: bundle.label, problem: bundle.problem ?? 'the store gave no bundle' };
    }
    if (Buffer.byteLength(bundle.text) > MAX_BUNDLE_BYTES) {
      return { digest: bundle.label, problem: 'the bundle is larger than any Sigstore bundle' };
    }
    return parseFound(bundle.label, bundle.text);
  });
}

export function certificateOf(bundle: Bundle): X509Certificate | undefined {
  const content = bundle.verificationMaterial.content;
  const der =
    content.$case === 'certificate'
      ? content.certificate.rawBytes
      : content.$case === 'x509CertificateChain'
        ? content.x509CertificateChain.certificates[0]?.rawBytes
        : undefined;
  // A copy: the parser is typed for a Buffer over a plain ArrayBuffer, the bundle hands out ArrayBufferLike.
  return der === undefined ? undefined : X509Certificate.parse(Buffer.from(der));
}

function raw(certificate: X509Certificate, oid: string): string | undefined {
  return certificate.extension(oid)?.value.toString('utf8');
}

function utf8(certificate: X509Certificate, oid: string): string | undefined {
  return certificate.extension(oid)?.valueObj.subs[0]?.value.toString('utf8');
}

/**
 * The newer extension, else the legacy one. Fulcio writes both from the same token claim; when
 * they disagree the value shown says so and can match no policy.
 */
function either(current: string | undefined, legacy: string | undefined): string | undefined {
  if (current !== undefined && legacy !== undefined && current !== legacy) {
    return `${current} (legacy extension says ${legacy})`;
  }
  return current ?? legacy;
}

/** The source repository claim as owner/repo: 1.12 (a URL on the server), else legacy 1.5. */
export function repositoryClaim(
  certificate: X509Certificate,
  serverUrl = 'https://github.com',
): string | undefined {
  const uri = utf8(certificate, OID.sourceRepositoryUri);
  const prefix = `${serverUrl.replace(/\/+$/, '')}/`;
  const fromUri = uri === undefined ? undefined : uri.startsWith(prefix) ? uri.slice(prefix.length) : uri;
  return either(fromUri, raw(certificate, OID.repositoryLegacy));
}

/** Every claim of the identity policy, read from a certificate's SAN and extensions. */
export function certificateClaims(certificate: X509Certificate): Claims {
  const claims: Claims = {};
  const set = <K extends keyof Claims>(key: K, value: string | undefined) => {
    if (value !== undefined && value !== '') claims[key] = value;
  };
  set('identity', certificate.subjectAltName);
  set('issuer', either(utf8(certificate, OID.issuer), raw(certificate, OID.issuerLegacy)));
  set('repository', repositoryClaim(certificate));
  set('sourceRef', either(utf8(certificate, OID.sourceRepositoryRef), raw(certificate, OID.refLegacy)));
  set('trigger', either(utf8(certificate, OID.buildTrigger), raw(certificate, OID.triggerLegacy)));
  set('workflowCommit', utf8(certificate, OID.buildSignerDigest));
  return claims;
}

/**
 * The claims of each bundle found for `check`, read without verifying anything: the cosign
 * engine uses them to learn which exact ref to make cosign enforce, never to pass a check.
 */
export function unverifiedClaims(bundles: readonly FoundBundle[], check: BundleCheck): Claims[] {
  const out: Claims[] = [];
  for (const found of bundles) {
    if (found.problem !== undefined || found.predicateType !== PREDICATE_TYPES[check]) continue;
    try {
      const certificate = certificateOf(bundleFromJSON(found.json));
      if (certificate) out.push(certificateClaims(certificate));
    } catch {
      // Not a bundle: nothing to learn from it.
    }
  }
  return out;
}

/** The claims of one bundle's certificate, read without verifying anything (none when it is not a bundle). */
export function unverifiedBundleClaims(json: unknown): Claims {
  try {
    const certificate = certificateOf(bundleFromJSON(json));
    return certificate ? certificateClaims(certificate) : {};
  } catch {
    return {};
  }
}

/** Fills a result with what the claims say and how each value fared. */
export function withClaims(outcome: Outcome, claims: Claims, policy: ClaimPolicy): Outcome {
  const checks = checkClaims(policy, claims);
  const out: Outcome = { ...outcome, claims: checks };
  for (const key of ['identity', 'issuer', 'repository', 'sourceRef', 'trigger', 'workflowCommit'] as const) {
    const value = claims[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

export function rekorOf(bundle: Bundle): RekorEntry | undefined {
  const entry = bundle.verificationMaterial.tlogEntries[0];
  if (entry === undefined) return undefined;
  const rekor: RekorEntry = { logIndex: Number(entry.logIndex) };
  const time = Number(entry.integratedTime);
  if (time > 0) rekor.integratedTime = time;
  return rekor;
}

/** What verifying a bundle established: passed with its statement, or failed with a reason. */
export interface VerifiedStatement {
  outcome: Outcome;
  /** The in-toto statement the bundle signs; present only when the outcome passed. */
  statement?: Statement;
}

/**
 * Verifies one bundle's cryptography against the trusted root (certificate chain and SCT,
 * transparency-log entry and its inclusion proof or checkpoint, timestamps, DSSE signature), then
 * every claim of the policy, then reads the in-toto statement it signs. What the statement is
 * about (predicate, subject) is the caller's to judge. `label` names the bundle in reasons.
 */
export function verifyStatementBundle(
  json: unknown,
  label: string,
  verifier: Verifier,
  policy: ClaimPolicy,
  mode: BundleMode = KEYLESS,
): VerifiedStatement {
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json);
  } catch (error) {
    return {
      outcome: {
        status: 'failed',
        reason: `bundle ${label} is not a valid Sigstore bundle: ${(error as Error).message}`,
      },
    };
  }
  const base: Outcome = { status: 'failed' };
  const rekor = rekorOf(bundle);
  if (rekor) base.rekor = rekor;
  const certificate = certificateOf(bundle);
  const claims = certificate ? certificateClaims(certificate) : {};
  if (mode.key && bundle.verificationMaterial.content.$case !== 'publicKey') {
    return {
      outcome: { ...base, reason: 'the bundle carries a certificate, not a signature by the key given' },
    };
  }
  if (mode.transparencyLog === 'required' && bundle.verificationMaterial.tlogEntries.length === 0) {
    return { outcome: { ...base, reason: `the bundle has ${NOT_LOGGED}` } };
  }
  let signer;
  try {
    signer = verifier.verify(toSignedEntity(bundle));
  } catch (error) {
    const seen: Outcome = { ...base };
    if (claims.identity) seen.identity = claims.identity;
    if (claims.repository) seen.repository = claims.repository;
    return {
      outcome: {
        ...seen,
        reason: mode.key
          ? `bundle does not verify with the key given (signed with another key, or altered): ${(error as Error).message}`
          : `bundle does not verify (tampered or not from the trusted root): ${(error as Error).message}`,
      },
    };
  }
  let seen = base;
  if (!mode.key) {
    // What the verifier read from the certificate it verified is what counts.
    if (signer.identity?.subjectAlternativeName) claims.identity = signer.identity.subjectAlternativeName;
    if (signer.identity?.extensions?.issuer) claims.issuer = signer.identity.extensions.issuer;
    seen = withClaims(base, claims, policy);
    const problem = claimProblem(seen.claims ?? []);
    if (problem !== undefined) return { outcome: { ...seen, reason: problem } };
  }
  if (bundle.content.$case !== 'dsseEnvelope') {
    return {
      outcome: { ...seen, reason: 'the bundle signs a message, not an in-toto statement over the image' },
    };
  }
  const statement = decodeEnvelope({
    payloadType: bundle.content.dsseEnvelope.payloadType,
    payload: bundle.content.dsseEnvelope.payload.toString('base64'),
  });
  if (typeof statement === 'string') {
    return { outcome: { ...seen, reason: `attestation not readable: ${statement}` } };
  }
  return { outcome: { ...seen, status: 'passed' }, statement };
}

/** Verifies one bundle for one check: cryptography, then identity, then the statement. */
export function judgeBundle(
  found: FoundBundle,
  verifier: Verifier,
  check: BundleCheck,
  digest: string,
  policy: ClaimPolicy,
  mode: BundleMode = KEYLESS,
): Outcome {
  if (found.problem !== undefined)
    return { status: 'failed', reason: `bundle ${found.digest}: ${found.problem}` };
  const { outcome, statement } = verifyStatementBundle(found.json, found.digest, verifier, policy, mode);
  if (statement === undefined) return outcome;
  const wrong = statementProblem(statement, check, digest);
  return wrong === undefined
    ? withStatementFacts(outcome, statement, check)
    : { ...outcome, status: 'failed', reason: wrong };
}

/** One check on one digest: any bundle of the right predicate type that passes everything will do. */
export function judgeBundles(
  bundles: readonly FoundBundle[],
  verifier: Verifier,
  check: BundleCheck,
  digest: string,
  policy: ClaimPolicy,
  mode: BundleMode = KEYLESS,
  /** The store the bundles came from, named when none fits (absent: the registry). */
  where?: string,
): Outcome {
  const candidates = bundles.filter(
    (b) => b.problem !== undefined || b.predicateType === PREDICATE_TYPES[check],
  );
  if (candidates.length === 0) {
    if (where === undefined) return { status: 'failed', reason: notFound(check) };
    const held =
      bundles.length === 0
        ? `it holds no bundle for ${digest} (none stored, or the repository is not visible to the token)`
        : `it holds ${bundles.length} bundle(s) for ${digest}, none of this kind`;
    return { status: 'failed', reason: `${notFound(check)} in ${where}: ${held}` };
  }
  let first: Outcome | undefined;
  for (const candidate of candidates) {
    const outcome = judgeBundle(candidate, verifier, check, digest, policy, mode);
    if (outcome.status === 'passed') return outcome;
    first ??= outcome;
  }
  return first as Outcome;
}
