import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { toSignedEntity, type Verifier } from '@sigstore/verify';
import { inputFileChunks, type InputFileOptions } from '@release-actions/core';
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { claimProblem, type ClaimPolicy } from './claims.js';
import { NOT_LOGGED } from './key.js';
import { certificateClaims, certificateOf, KEYLESS, rekorOf, withClaims, type BundleMode } from './native.js';
import type { CheckResult } from './report.js';

/**
 * The native engine for a file: a message-signature bundle (cosign sign-blob) verified with
 * @sigstore/verify. sigstore-js verifies such a signature over the artifact's bytes; a release
 * file may be up to 2 GiB, so the file is read once in chunks, hashed and checked against the
 * bundle's signature with the key the bundle names, and the verifier is handed a signature
 * content that answers from that pass (and only for that very key). Everything else (certificate
 * chain and SCT, transparency-log entry and its body's digest, timestamps) is sigstore-js's own.
 */

type Outcome = Omit<CheckResult, 'check' | 'subject' | 'platform'>;

const ALGORITHMS: Partial<Record<HashAlgorithm, string>> = {
  [HashAlgorithm.HASH_ALGORITHM_UNSPECIFIED]: 'sha256',
  [HashAlgorithm.SHA2_256]: 'sha256',
  [HashAlgorithm.SHA2_384]: 'sha384',
  [HashAlgorithm.SHA2_512]: 'sha512',
};

export interface StreamedFile {
  /** SHA-256 of the file, hex. */
  sha256: string;
  /** The digest in the bundle's algorithm. */
  digest: Buffer;
  /** Whether the signature verified over the file's bytes with the key tried. */
  signatureOk: boolean;
}

/**
 * createVerify, read off the module itself: the bundles stand in for node:crypto with the few
 * functions the actions' start-up paths name (scripts/bundles.mjs), and this path is not one.
 */
const createVerify = (algorithm: string) => process.getBuiltinModule('node:crypto').createVerify(algorithm);

const spki = (key: KeyObject) => key.export({ format: 'der', type: 'spki' });

/** Reads `file` once: its SHA-256, its digest in `algorithm`, and the signature checked with `key`. */
export function streamFile(
  file: string,
  limits: InputFileOptions,
  check?: { algorithm: string; key: KeyObject; signature: Buffer },
): StreamedFile {
  const sha256 = createHash('sha256');
  const other = check && check.algorithm !== 'sha256' ? createHash(check.algorithm) : undefined;
  const verify = check ? createVerify(check.algorithm) : undefined;
  for (const chunk of inputFileChunks(file, limits)) {
    sha256.update(chunk);
    other?.update(chunk);
    verify?.update(chunk);
  }
  const digest256 = sha256.digest();
  let signatureOk = false;
  if (check && verify) {
    try {
      signatureOk = verify.verify(check.key, check.signature);
    } catch {
      // A key type that cannot verify a stream (Ed25519) or a malformed signature.
      signatureOk = false;
    }
  }
  return { sha256: digest256.toString('hex'), digest: other?.digest() ?? digest256, signatureOk };
}

/** The key a bundle's signature must verify with: the given key, else the leaf certificate's. */
function signingKey(bundle: Bundle, publicKey: KeyObject | undefined): KeyObject | undefined {
  if (publicKey !== undefined) return publicKey;
  const certificate = certificateOf(bundle);
  if (certificate === undefined) return undefined;
  try {
    return createPublicKey({ key: certificate.publicKey, format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}

export interface BlobVerification {
  outcome: Outcome;
  /** SHA-256 of the signed file, hex (read even when the bundle is unusable). */
  sha256: string;
}

/**
 * Verifies the bundle `json` (named `label`) over the file `signed`: the message digest it signs
 * must be the file's, the signature must verify over the file's bytes, sigstore-js must accept the
 * rest, and (keyless) every claim of the policy must hold.
 */
export function verifyBlob(
  json: unknown,
  label: string,
  signed: string,
  limits: InputFileOptions,
  verifier: Verifier,
  policy: ClaimPolicy,
  mode: BundleMode = KEYLESS,
  publicKey?: KeyObject,
): BlobVerification {
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json);
  } catch (error) {
    return {
      outcome: {
        status: 'failed',
        reason: `bundle ${label} is not a valid Sigstore bundle: ${(error as Error).message}`,
      },
      sha256: streamFile(signed, limits).sha256,
    };
  }
  if (bundle.content.$case !== 'messageSignature') {
    return {
      outcome: {
        status: 'failed',
        reason: `bundle ${label} holds an in-toto statement, not a signature over the file (cosign sign-blob --bundle)`,
      },
      sha256: streamFile(signed, limits).sha256,
    };
  }
  const message = bundle.content.messageSignature;
  const algorithm = ALGORITHMS[message.messageDigest.algorithm];
  const key = signingKey(bundle, publicKey);
  if (algorithm === undefined || key === undefined) {
    return {
      outcome: {
        status: 'failed',
        reason: `bundle ${label} ${algorithm === undefined ? 'uses a digest algorithm other than SHA-2' : 'names no key to verify with'}`,
      },
      sha256: streamFile(signed, limits).sha256,
    };
  }
  const streamed = streamFile(signed, limits, { algorithm, key, signature: message.signature });
  const base: Outcome = { status: 'failed' };
  const rekor = rekorOf(bundle);
  if (rekor) base.rekor = rekor;
  const certificate = certificateOf(bundle);
  const claims = certificate ? certificateClaims(certificate) : {};
  const seen: Outcome = { ...base };
  if (claims.identity) seen.identity = claims.identity;
  if (claims.repository) seen.repository = claims.repository;
  const fail = (reason: string): BlobVerification => ({
    outcome: { ...seen, reason },
    sha256: streamed.sha256,
  });
  if (!streamed.digest.equals(message.messageDigest.digest)) {
    return fail(
      `bundle ${label} signs another file (${algorithm} ${message.messageDigest.digest.toString('hex')}; ${signed} is ${streamed.digest.toString('hex')})`,
    );
  }
  if (mode.key && bundle.verificationMaterial.content.$case !== 'publicKey') {
    return fail('the bundle carries a certificate, not a signature by the key given');
  }
  if (mode.transparencyLog === 'required' && bundle.verificationMaterial.tlogEntries.length === 0) {
    return fail(`the bundle has ${NOT_LOGGED}`);
  }
  const entity = toSignedEntity(bundle, Buffer.alloc(0));
  const digest = message.messageDigest.digest;
  const keyDer = spki(key);
  entity.signature = {
    signature: message.signature,
    compareSignature: (signature) => signature.equals(message.signature),
    compareDigest: (other) => other.equals(digest),
    compareSignedDigest: (other) => other.equals(digest),
    // The pass over the file checked the signature with one key; any other key did not verify it.
    verifySignature: (candidate) => streamed.signatureOk && spki(candidate).equals(keyDer),
  };
  let signer;
  try {
    signer = verifier.verify(entity);
  } catch (error) {
    return fail(
      mode.key
        ? `bundle does not verify with the key given (signed with another key, or the file altered): ${(error as Error).message}`
        : `bundle does not verify (the file altered, or not from the trusted root): ${(error as Error).message}`,
    );
  }
  if (mode.key) return { outcome: { ...base, status: 'passed' }, sha256: streamed.sha256 };
  if (signer.identity?.subjectAlternativeName) claims.identity = signer.identity.subjectAlternativeName;
  if (signer.identity?.extensions?.issuer) claims.issuer = signer.identity.extensions.issuer;
  const judged = withClaims(base, claims, policy);
  const problem = claimProblem(judged.claims ?? []);
  return {
    outcome: problem === undefined ? { ...judged, status: 'passed' } : { ...judged, reason: problem },
    sha256: streamed.sha256,
  };
}
