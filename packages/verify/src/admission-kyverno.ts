import { Document } from 'yaml';
import {
  headerLines,
  PUBLIC_REKOR_URL,
  type AdmissionCheck,
  type AdmissionIdentity,
  type AdmissionModel,
} from './admission.js';
import { escapeRegExp } from './identity.js';

/**
 * A Kyverno `ClusterPolicy` (kyverno.io/v1) with one verifyImages rule.
 *
 * `type: Cosign` is the one Kyverno verifier that checks `additionalExtensions` (the repository,
 * ref and trigger claims); `type: SigstoreBundle` reads cosign v3 bundles but checks only the
 * subject and issuer, so it is never written: it would admit a lookalike repository's release
 * signed by the same reusable workflow. Extension values are matched as Kyverno wildcards, so
 * only exact values (no `*` or `?`) are written; the admission model refuses a ref pattern.
 */

export const KYVERNO_NOTES = [
  'Kyverno checks the certificate claims (additionalExtensions) only with type: Cosign, which reads',
  "signatures in cosign's tag format (.sig/.att) and not cosign v3 Sigstore bundles in OCI referrers;",
  'type: SigstoreBundle reads those but ignores additionalExtensions, so it is not used: a release',
  'signed only with cosign v3 bundles is refused here (fail closed) until Kyverno checks the claims',
  'of bundles. policy-controller (--emit policy-controller) reads bundles and checks every claim.',
  'The issuer is held by issuerRegExp (anchored, escaped): Kyverno matches issuer as a wildcard.',
];

function attestor(identity: AdmissionIdentity): Record<string, unknown> {
  const extensions: Record<string, string> = { githubWorkflowRepository: identity.repository };
  // The model guarantees an exact ref for Kyverno; a pattern never reaches here.
  if (identity.ref !== undefined) extensions.githubWorkflowRef = identity.ref;
  if (identity.trigger !== undefined) extensions.githubWorkflowTrigger = identity.trigger;
  return {
    entries: [
      {
        keyless: {
          subjectRegExp: identity.subjectRegExp,
          issuerRegExp: `^${escapeRegExp(identity.issuer)}$`,
          rekor: { url: PUBLIC_REKOR_URL },
          additionalExtensions: extensions,
        },
      },
    ],
  };
}

function attestation(check: AdmissionCheck): Record<string, unknown> {
  return { name: check.check, type: check.predicateType, attestors: [attestor(check.identity)] };
}

/** Kyverno matches the normalized name: Docker Hub is docker.io there. */
function imageName(model: AdmissionModel): string {
  const hub = ['docker.io', 'index.docker.io', 'registry-1.docker.io'].includes(model.reference.registry);
  return hub ? `docker.io/${model.reference.repository}` : model.repository;
}

export function kyvernoPolicy(model: AdmissionModel): string {
  const signature = model.checks.find((c) => c.check === 'signature');
  const attestations = model.checks.filter((c) => c.check !== 'signature').map(attestation);
  const verifyImages: Record<string, unknown> = {
    type: 'Cosign',
    imageReferences: [`${imageName(model)}*`],
    failureAction: 'Enforce',
    mutateDigest: true,
    verifyDigest: true,
    required: true,
    useCache: true,
    ...(signature !== undefined ? { attestors: [attestor(signature.identity)] } : {}),
    ...(attestations.length > 0 ? { attestations } : {}),
  };
  const policy = {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: {
      name: model.name,
      annotations: {
        'policies.kyverno.io/title': `Verify releases of ${model.repository}`,
        'policies.kyverno.io/description': model.command,
      },
    },
    spec: {
      validationFailureAction: 'Enforce',
      background: false,
      webhookTimeoutSeconds: 30,
      rules: [
        {
          name: 'verify-release',
          match: { any: [{ resources: { kinds: ['Pod'] } }] },
          verifyImages: [verifyImages],
        },
      ],
    },
  };
  const doc = new Document(policy);
  doc.commentBefore = headerLines(model, 'Kyverno ClusterPolicy', KYVERNO_NOTES).join('\n');
  return doc.toString({ lineWidth: 0 });
}
