import { formatCommand } from '@release-actions/tools';
import { COSIGN_TYPES, SLSA_CONTAINER_BUILDER_ID, type CheckName } from './checks.js';
import type { IdentityPolicy } from './identity.js';

export interface CommandPolicy {
  policy: Pick<IdentityPolicy, 'identityRegexp' | 'issuer' | 'repository'>;
  trustedRoot?: string;
}

function identityFlags({ policy, trustedRoot }: CommandPolicy): string[] {
  const flags = [
    '--certificate-identity-regexp',
    policy.identityRegexp,
    '--certificate-oidc-issuer',
    policy.issuer,
    '--certificate-github-workflow-repository',
    policy.repository,
  ];
  if (trustedRoot !== undefined) flags.push('--trusted-root', trustedRoot);
  return flags;
}

/** `cosign verify … -o json <ref@digest>`: the signature check. */
export function cosignVerifyArgs(reference: string, options: CommandPolicy): string[] {
  return ['verify', ...identityFlags(options), '-o', 'json', reference];
}

/** `cosign verify-attestation --type spdxjson|cyclonedx … <ref@digest>`: one SBOM check. */
export function cosignVerifyAttestationArgs(
  reference: string,
  check: keyof typeof COSIGN_TYPES,
  options: CommandPolicy,
): string[] {
  return ['verify-attestation', '--type', COSIGN_TYPES[check], ...identityFlags(options), reference];
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
}

/** The commands that reproduce `checks` by hand, as a person would paste them into a shell. */
export function equivalentCommands(
  subjects: readonly SubjectDigest[],
  checks: readonly CheckName[],
  options: CommandPolicy & { sourceTag?: string },
): string[] {
  const out: string[] = [];
  for (const subject of subjects) {
    for (const check of checks) {
      if (check === 'signature')
        out.push(formatCommand('cosign', cosignVerifyArgs(subject.reference, options)));
      else if (check === 'provenance') {
        if (subject.top) {
          out.push(
            formatCommand(
              'slsa-verifier',
              slsaVerifierArgs(subject.reference, options.policy.repository, options.sourceTag),
            ),
          );
        }
      } else {
        out.push(formatCommand('cosign', cosignVerifyAttestationArgs(subject.reference, check, options)));
      }
    }
  }
  return out;
}
