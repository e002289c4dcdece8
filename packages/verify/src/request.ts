import { InputError } from '@release-actions/core';
import { parseReference, type ImageReference } from '@release-actions/oci';
import { checkSourceTag, type CheckName } from './checks.js';
import { tagOfRef } from './commands.js';
import { buildIdentityPolicy, type IdentityOptions, type IdentityPolicy } from './identity.js';
import { checkVerifyFiles } from './input-files.js';
import { checkTransparencyLog, type TransparencyLogMode } from './key.js';
import { checkSource, type BundleSource, type BundleSourceChoice } from './bundle-source.js';

/** What verifying and emitting the commands both take from the user before touching a registry. */
export interface RequestOptions {
  /** Tag or digest reference; a tag is resolved once and only the digest is used after that. */
  image: string;
  identity: IdentityOptions;
  checks: readonly CheckName[];
  sourceTag?: string;
  /**
   * Key-based: a PEM public key file (cosign.pub). Signatures and attestations are checked
   * against it instead of a certificate identity (cosign --key; natively as a trusted key).
   */
  key?: string;
  /** skip: accept a signature no transparency log holds; only with key. Default required. */
  transparencyLog?: TransparencyLogMode;
  /** A Sigstore TrustedRoot JSON file (private deployments, offline). */
  trustedRoot?: string;
  engine?: 'cosign' | 'native';
  /**
   * Where the bundles are read: registry (default), github (GitHub's attestation store of the
   * publisher's repository) or both (every check must pass from each). Native engine only.
   */
  source?: BundleSourceChoice;
  /** GitHub's attestation store, built by the front end, for source github or both. */
  bundleSource?: BundleSource;
}

export interface CheckedRequest {
  policy: IdentityPolicy;
  reference: ImageReference;
  /** The tag slsa-verifier compares: the one given, else the tag of an exact source ref. */
  sourceTag?: string;
  transparencyLog: TransparencyLogMode;
}

/** Everything but the subject (an image or a file), checked before any registry or tool is used. */
export function checkPolicyRequest(
  options: Omit<RequestOptions, 'image'>,
): Omit<CheckedRequest, 'reference'> {
  const policy = buildIdentityPolicy(options.identity);
  if (options.checks.length === 0) throw new InputError('name at least one check.', { input: 'checks' });
  const transparencyLog = options.transparencyLog ?? 'required';
  checkTransparencyLog(transparencyLog, options.key);
  checkSource(options.source ?? 'registry', options.engine ?? 'cosign', options.bundleSource);
  const sourceTag = checkSourceTag(options.sourceTag) ?? tagOfRef(policy.sourceRef);
  return { policy, sourceTag, transparencyLog };
}

/** Every input checked, in one place, so a bad one fails before any registry or tool is used. */
export function checkRequest(options: RequestOptions): CheckedRequest {
  const { policy, sourceTag, transparencyLog } = checkPolicyRequest(options);
  const reference = parseReference(options.image, 'image');
  checkVerifyFiles(options);
  return { policy, reference, sourceTag, transparencyLog };
}
