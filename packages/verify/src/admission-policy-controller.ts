import { Document } from 'yaml';
import {
  headerLines,
  PUBLIC_FULCIO_URL,
  PUBLIC_REKOR_URL,
  type AdmissionCheck,
  type AdmissionIdentity,
  type AdmissionModel,
} from './admission.js';

/**
 * A Sigstore policy-controller `ClusterImagePolicy` (policy.sigstore.dev/v1beta1).
 *
 * Authorities check the SAN and issuer; the claims beside them (repository, ref, trigger) are
 * held by the policy's Rego, over the GitHub extensions policy-controller hands it for every
 * verified signature. Rego, not CUE: a CUE constraint on a field the engine left out unifies into
 * it and passes, where a Rego comparison with an absent field is undefined and fails. The Rego
 * also requires every authority and attestation to have matched: policy-controller otherwise
 * admits on any one authority.
 *
 * cosign v3 signs with Sigstore bundles whose statement has the predicate type
 * https://sigstore.dev/cosign/sign/v1, and policy-controller reads bundles as attestations only;
 * the signature check is therefore an attestation of that type in a `signatureFormat: bundle`
 * authority. The SLSA generator writes the legacy format, in an authority of its own.
 */

export const POLICY_CONTROLLER_NOTES = [
  'Repository, ref and trigger are checked by spec.policy (Rego) over the certificate claims',
  'policy-controller hands it (1.3.6.1.4.1.57264.1.5, 1.6, 1.2); a claim it does not hand over fails.',
  'The Rego also requires every authority and attestation below, since policy-controller otherwise',
  'admits on any one. policy-controller (cosign v3.0) passes no certificate with attestations read',
  'from Sigstore bundles, so their claims are absent and this policy refuses such releases (fail',
  'closed) until it does; the provenance (legacy format) carries its certificate.',
];

const regoString = (text: string) => JSON.stringify(text);
const regoName = (text: string) => text.replace(/[^A-Za-z0-9]/g, '_');

function authority(name: string, checks: readonly AdmissionCheck[], format: 'bundle' | 'legacy') {
  const first = checks[0];
  if (first === undefined) return undefined;
  return {
    name,
    keyless: {
      url: PUBLIC_FULCIO_URL,
      identities: [{ issuer: first.identity.issuer, subjectRegExp: first.identity.subjectRegExp }],
    },
    ctlog: { url: PUBLIC_REKOR_URL },
    ...(format === 'bundle' ? { signatureFormat: 'bundle' } : {}),
    attestations: checks.map((c) => ({ name: c.check, predicateType: c.predicateType })),
  };
}

/** The comparisons every verified signature of a check must pass, one per line. */
function claimLines(identity: AdmissionIdentity): string[] {
  const lines = [`a.githubWorkflowRepo == ${regoString(identity.repository)}`];
  if (identity.ref !== undefined) lines.push(`a.githubWorkflowRef == ${regoString(identity.ref)}`);
  else if (identity.refRegExp !== undefined) {
    lines.push(`regex.match(${regoString(identity.refRegExp)}, a.githubWorkflowRef)`);
  }
  if (identity.trigger !== undefined)
    lines.push(`a.githubWorkflowTrigger == ${regoString(identity.trigger)}`);
  return lines;
}

function regoPolicy(groups: ReadonlyArray<readonly [string, readonly AdmissionCheck[]]>): string {
  // `if` with its import parses both as Rego v0 (how cosign evaluates it today) and as Rego v1.
  const lines = ['package sigstore', '', 'import future.keywords.if', '', 'default isCompliant := false', ''];
  const required: string[] = [];
  for (const [authorityName, checks] of groups) {
    for (const check of checks) {
      const id = regoName(check.check);
      const matches = `input.authorityMatches[${regoString(authorityName)}].attestations[${regoString(check.check)}]`;
      required.push(`${id}_ok`);
      lines.push(
        `${id}_claims(a) if {`,
        ...claimLines(check.identity).map((line) => `  ${line}`),
        '}',
        '',
        `${id}_refused if {`,
        `  a := ${matches}[_]`,
        `  not ${id}_claims(a)`,
        '}',
        '',
        `${id}_ok if {`,
        `  count(${matches}) > 0`,
        `  not ${id}_refused`,
        '}',
        '',
      );
    }
  }
  lines.push('isCompliant if {', ...required.map((r) => `  ${r}`), '}');
  return `${lines.join('\n')}\n`;
}

/** policy-controller matches the fully qualified name: Docker Hub is index.docker.io there. */
function imageName(model: AdmissionModel): string {
  const hub = ['docker.io', 'index.docker.io', 'registry-1.docker.io'].includes(model.reference.registry);
  return hub ? `index.docker.io/${model.reference.repository}` : model.repository;
}

export function policyControllerPolicy(model: AdmissionModel): string {
  const bundled = model.checks.filter((c) => c.format === 'bundle');
  const legacy = model.checks.filter((c) => c.format === 'legacy');
  const authorities = [
    authority('release', bundled, 'bundle'),
    authority('provenance', legacy, 'legacy'),
  ].filter((a) => a !== undefined);
  const policy = {
    apiVersion: 'policy.sigstore.dev/v1beta1',
    kind: 'ClusterImagePolicy',
    metadata: { name: model.name },
    spec: {
      mode: 'enforce',
      images: [{ glob: `${imageName(model)}*` }],
      authorities,
      policy: {
        type: 'rego',
        data: regoPolicy([
          ['release', bundled],
          ['provenance', legacy],
        ]),
      },
    },
  };
  const doc = new Document(policy);
  doc.commentBefore = headerLines(
    model,
    'policy-controller ClusterImagePolicy',
    POLICY_CONTROLLER_NOTES,
  ).join('\n');
  return doc.toString({ lineWidth: 0 });
}
