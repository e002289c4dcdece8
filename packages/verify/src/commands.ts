import { formatCommand } from '@release-actions/core';
import {
  COSIGN_TYPES,
  SLSA_CONTAINER_BUILDER_ID,
  SLSA_GENERIC_BUILDER_ID,
  type CheckName,
} from './checks.js';
import type { ClaimPolicy } from './claims.js';
import type { TransparencyLogMode } from './key.js';

export interface CommandPolicy {
  policy: ClaimPolicy;
  trustedRoot?: string;
  /** An exact publisher ref for --certificate-github-workflow-ref (default: the policy's source-ref). */
  pinnedRef?: string;
  /** Key-based: the public key file; cosign gets --key instead of the identity flags. */
  key?: string;
  /** skip: cosign gets --insecure-ignore-tlog=true (only with key). */
  transparencyLog?: TransparencyLogMode;
}

/**
 * cosign's flags for a key: --key, never beside the identity flags (cosign refuses both), and
 * --insecure-ignore-tlog=true only when the consumer opted out of the transparency log.
 */
function keyFlags(key: string, { trustedRoot, transparencyLog }: CommandPolicy): string[] {
  const flags = ['--key', key];
  if (transparencyLog === 'skip') flags.push('--insecure-ignore-tlog=true');
  if (trustedRoot !== undefined) flags.push('--trusted-root', trustedRoot);
  return flags;
}

/**
 * cosign's identity flags for the policy. cosign takes no pattern for the ref, so it gets the
 * exact one when it is known; the trigger only when the policy pins it.
 */
function identityFlags(options: CommandPolicy): string[] {
  const { policy, trustedRoot, pinnedRef, key } = options;
  if (key !== undefined) return keyFlags(key, options);
  const flags = [
    '--certificate-identity-regexp',
    policy.identityRegexp,
    '--certificate-oidc-issuer',
    policy.issuer,
    '--certificate-github-workflow-repository',
    policy.repository,
  ];
  const ref = pinnedRef ?? policy.sourceRef;
  if (ref !== undefined) flags.push('--certificate-github-workflow-ref', ref);
  if (policy.trigger !== undefined) flags.push('--certificate-github-workflow-trigger', policy.trigger);
  if (trustedRoot !== undefined) flags.push('--trusted-root', trustedRoot);
  return flags;
}

/** `cosign verify … -o json <ref@digest>`: the signature check. */
export function cosignVerifyArgs(reference: string, options: CommandPolicy): string[] {
  return ['verify', ...identityFlags(options), '-o', 'json', reference];
}

/** `cosign verify-attestation --type spdxjson|cyclonedx|openvex … <ref@digest>`: one attestation check. */
export function cosignVerifyAttestationArgs(
  reference: string,
  check: keyof typeof COSIGN_TYPES,
  options: CommandPolicy,
): string[] {
  return ['verify-attestation', '--type', COSIGN_TYPES[check], ...identityFlags(options), reference];
}

/** `cosign verify-blob --bundle <bundle> … <file>`: the signature of a file (or its checksums file). */
export function cosignVerifyBlobArgs(file: string, bundle: string, options: CommandPolicy): string[] {
  return ['verify-blob', '--bundle', bundle, ...identityFlags(options), file];
}

/** `slsa-verifier verify-artifact <file> --provenance-path <p> --source-uri github.com/<repository> …`. */
export function slsaVerifierArtifactArgs(
  file: string,
  provenancePath: string,
  repository: string,
  sourceTag?: string,
  serverHost = 'github.com',
): string[] {
  const args = [
    'verify-artifact',
    file,
    '--provenance-path',
    provenancePath,
    '--source-uri',
    `${serverHost}/${repository}`,
    '--builder-id',
    SLSA_GENERIC_BUILDER_ID,
  ];
  if (sourceTag !== undefined) args.push('--source-tag', sourceTag);
  return args;
}

/** The git tag of a refs/tags/… ref, for slsa-verifier --source-tag. */
export function tagOfRef(ref: string | undefined): string | undefined {
  return ref?.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined;
}

/** `slsa-verifier verify-image <ref@digest> --source-uri github.com/<repository> …`. */
export function slsaVerifierArgs(
  reference: string,
  repository: string,
  sourceTag?: string,
  serverHost = 'github.com',
): string[] {
  const args = [
    'verify-image',
    reference,
    '--source-uri',
    `${serverHost}/${repository}`,
    '--builder-id',
    SLSA_CONTAINER_BUILDER_ID,
  ];
  if (sourceTag !== undefined) args.push('--source-tag', sourceTag);
  return args;
}

export interface SubjectDigest {
  reference: string;
  /** True for the digest given (or resolved), false for a platform manifest of an index. */
  top: boolean;
  /** True for an image index: it carries the signature, not SBOMs (those are per platform). */
  index?: boolean;
}

/**
 * Which checks apply to a digest. An index carries its signature and the provenance (the SLSA
 * generator attests the digest it was given); its SBOMs are on each platform digest, never on
 * the index itself. A platform digest carries its signature and its own SBOMs. The VEX document
 * is about the whole image, so it is on every digest: a consumer's grype names whichever it pulled.
 */
export function checksFor(subject: SubjectDigest, checks: readonly CheckName[]): CheckName[] {
  return checks.filter((check) => {
    if (check === 'provenance') return subject.top;
    if (check === 'signature' || check === 'vex') return true;
    return subject.index !== true;
  });
}

/** The commands that reproduce `checks` by hand, as a person would paste them into a shell. */
export function equivalentCommands(
  subjects: readonly SubjectDigest[],
  checks: readonly CheckName[],
  options: CommandPolicy & { sourceTag?: string },
): string[] {
  const out: string[] = [];
  const sourceTag = options.sourceTag ?? tagOfRef(options.pinnedRef ?? options.policy.sourceRef);
  for (const subject of subjects) {
    for (const check of checksFor(subject, checks)) {
      if (check === 'signature')
        out.push(formatCommand('cosign', cosignVerifyArgs(subject.reference, options)));
      else if (check === 'provenance') {
        out.push(
          formatCommand(
            'slsa-verifier',
            slsaVerifierArgs(subject.reference, options.policy.repository, sourceTag),
          ),
        );
      } else {
        out.push(formatCommand('cosign', cosignVerifyAttestationArgs(subject.reference, check, options)));
      }
    }
  }
  return out;
}

/** What a file's commands need: the paths as the consumer wrote them. */
export interface FileSubject {
  file: string;
  bundle: string;
  checksums?: string;
  provenancePath?: string;
}

/**
 * The commands that reproduce a file's checks by hand: cosign verify-blob of the file (or of the
 * checksums file, then sha256sum to find the file in it), slsa-verifier verify-artifact.
 */
export function fileCommands(
  subject: FileSubject,
  checks: readonly CheckName[],
  options: CommandPolicy & { sourceTag?: string },
): string[] {
  const out: string[] = [];
  const sourceTag = options.sourceTag ?? tagOfRef(options.pinnedRef ?? options.policy.sourceRef);
  if (checks.includes('signature')) {
    const signed = subject.checksums ?? subject.file;
    out.push(formatCommand('cosign', cosignVerifyBlobArgs(signed, subject.bundle, options)));
    if (subject.checksums !== undefined) {
      out.push(formatCommand('sha256sum', ['--ignore-missing', '--check', subject.checksums]));
    }
  }
  if (checks.includes('provenance') && subject.provenancePath !== undefined) {
    out.push(
      formatCommand(
        'slsa-verifier',
        slsaVerifierArtifactArgs(subject.file, subject.provenancePath, options.policy.repository, sourceTag),
      ),
    );
  }
  return out;
}
