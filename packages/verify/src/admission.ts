import { code, InputError, mention, type Markdown } from '@release-actions/core';
import type { ImageReference } from '@release-actions/oci';
import { PREDICATE_TYPES, SLSA_CONTAINER_BUILDER_ID, type CheckName } from './checks.js';
import { repeatCommand } from './cli-command.js';
import { escapeRegExp, type IdentityPolicy } from './identity.js';
import { checkRequest, type RequestOptions } from './request.js';

/**
 * The cluster admission policy a consumer applies: the identity `verify` checks, written for a
 * policy engine. Everything comes from `checkRequest`, the same checked request `verify` uses, and
 * a claim an engine cannot hold as tightly as `verify` is either narrowed (stricter) or refused:
 * an admission policy never admits an image `verify` would refuse.
 */

export const ADMISSION_ENGINES = ['kyverno', 'policy-controller'] as const;
export type AdmissionEngine = (typeof ADMISSION_ENGINES)[number];

/** The predicate type slsa-github-generator's container generator writes (legacy cosign format). */
export const SLSA_PROVENANCE_PREDICATE_TYPE = 'https://slsa.dev/provenance/v0.2';

/** The public-good Sigstore instances the release workflow signs against. */
export const PUBLIC_REKOR_URL = 'https://rekor.sigstore.dev';
export const PUBLIC_FULCIO_URL = 'https://fulcio.sigstore.dev';

export interface AdmissionOptions extends RequestOptions {
  /** The policy engine to write for. */
  admission: AdmissionEngine;
}

/** One certificate identity an engine must require: the SAN pattern and every claim beside it. */
export interface AdmissionIdentity {
  subjectRegExp: string;
  issuer: string;
  /** owner/repo: the certificate's repository claim (1.3.6.1.4.1.57264.1.5). */
  repository: string;
  /** The publisher's exact ref (1.3.6.1.4.1.57264.1.6), when one is pinned. */
  ref?: string;
  /** Otherwise the anchored pattern the ref must match. */
  refRegExp?: string;
  /** The glob `refRegExp` was built from, as the user gave it. */
  refPattern?: string;
  trigger?: string;
}

/** One thing to find attached to the image and the identity that must have signed it. */
export interface AdmissionCheck {
  check: CheckName;
  predicateType: string;
  identity: AdmissionIdentity;
  /** cosign v3 writes Sigstore bundles; the SLSA generator the legacy `.att` format. */
  format: 'bundle' | 'legacy';
}

/** What both generators write from: the checked request, reduced to what an engine enforces. */
export interface AdmissionModel {
  engine: AdmissionEngine;
  reference: ImageReference;
  /** registry/repository, as the pod spec names the image. */
  repository: string;
  /** The `release-actions verify` command the policy mirrors. */
  command: string;
  /** A DNS-1123 name for the policy object. */
  name: string;
  checks: AdmissionCheck[];
  /** Sentences for the header: how each claim is held, and what is narrowed. */
  notes: string[];
}

export interface AdmissionPolicy {
  engine: AdmissionEngine;
  /** registry/repository the policy matches. */
  repository: string;
  /** The policy as YAML, header comment first. */
  yaml: string;
}

function refuse(message: string, input: string): never {
  throw new InputError(message, { input });
}

/**
 * The SAN pattern the engine gets. `verify` checks workflow-commit against 1.3.6.1.4.1.57264.1.10,
 * which no engine reads; the SAN is narrowed to that one commit instead (a workflow called by its
 * commit runs that commit), so a tag of our workflow, which `verify` would accept when 1.10
 * matches, is refused: stricter, never looser.
 */
function subjectRegExp(policy: IdentityPolicy, overridden: boolean, notes: string[]): string {
  if (policy.workflowCommit === undefined) return policy.identityRegexp;
  const at = policy.identityRegexp.lastIndexOf('@(');
  if (overridden || at < 0 || !policy.identityRegexp.endsWith(`|${policy.workflowCommit})$`)) {
    refuse(
      `cannot be written into an admission policy with ${mention('certificate-identity-regexp')}: no engine reads the workflow commit (1.3.6.1.4.1.57264.1.10).`,
      'workflow-commit',
    );
  }
  notes.push(
    `Workflow commit: no engine reads 1.3.6.1.4.1.57264.1.10, so the SAN is narrowed to @${policy.workflowCommit} (a tag of the workflow is refused).`,
  );
  return `${policy.identityRegexp.slice(0, at)}@${policy.workflowCommit}$`;
}

/** The identity of slsa-github-generator's container generator at a release tag, as slsa-verifier trusts it. */
export function builderRegExp(): string {
  return `^${escapeRegExp(SLSA_CONTAINER_BUILDER_ID)}@refs/tags/v[0-9]+\\.[0-9]+\\.[0-9]+$`;
}

function exactRef(policy: IdentityPolicy): string | undefined {
  if (policy.sourceRef !== undefined) return policy.sourceRef;
  return policy.sourceRefPattern.includes('*') ? undefined : policy.sourceRefPattern;
}

function imageRepository(reference: ImageReference): string {
  return `${reference.registry}/${reference.repository}`;
}

/** A DNS-1123 subdomain from the repository: `verify-ghcr-io-aotanami-aotanami`. */
export function policyName(reference: ImageReference): string {
  const slug = imageRepository(reference)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `verify-${slug}`.slice(0, 63).replace(/-+$/, '');
}

/**
 * The model both generators write from. Refused: a key (no certificate names a run), a private
 * trusted root (the cluster needs its own TrustRoot), and an identity the user opted out of
 * anchoring (an admission policy never carries a loose one).
 */
export function admissionModel(options: AdmissionOptions): AdmissionModel {
  const { admission, ...request } = options;
  const { policy, reference, sourceTag } = checkRequest(request);
  if (options.key !== undefined) {
    refuse(
      'admission policies are written for keyless releases only; a key-signed release names no run to bind.',
      'key',
    );
  }
  if (options.trustedRoot !== undefined) {
    refuse(
      "admission policies are written for the public-good Sigstore only; a private deployment's trust root is installed in the cluster (Kyverno roots, policy-controller TrustRoot).",
      'trusted-root',
    );
  }
  if (policy.warning !== undefined) {
    refuse(
      `an admission policy is never written with a loose identity; anchor and escape ${mention('certificate-identity-regexp')}.`,
      'allow-unanchored',
    );
  }
  const notes: string[] = [];
  const ref = exactRef(policy);
  if (ref === undefined && admission === 'kyverno') {
    refuse(
      `a Kyverno policy needs the publisher's exact ref (e.g. refs/tags/v1.2.3): Kyverno matches githubWorkflowRef with wildcards whose * also matches "@", looser than ${policy.sourceRefPattern}. Give it, or write a policy-controller policy.`,
      'source-ref',
    );
  }
  const refClaim =
    ref !== undefined ? { ref } : { refRegExp: policy.sourceRefRegexp, refPattern: policy.sourceRefPattern };
  const publisher: AdmissionIdentity = {
    subjectRegExp: subjectRegExp(policy, options.identity.identityRegexp !== undefined, notes),
    issuer: policy.issuer,
    repository: policy.repository,
    ...refClaim,
    ...(policy.trigger !== undefined ? { trigger: policy.trigger } : {}),
  };
  // slsa-verifier trusts the generator at a release tag for the publisher's repository and
  // compares --source-tag when given; the publisher's ref is held as for the signature (stricter).
  const builder: AdmissionIdentity = {
    subjectRegExp: builderRegExp(),
    issuer: policy.issuer,
    repository: policy.repository,
    ...(sourceTag !== undefined ? { ref: `refs/tags/${sourceTag}` } : refClaim),
  };
  const checks = options.checks.map((check): AdmissionCheck => {
    if (check === 'provenance') {
      return { check, predicateType: SLSA_PROVENANCE_PREDICATE_TYPE, identity: builder, format: 'legacy' };
    }
    return { check, predicateType: PREDICATE_TYPES[check], identity: publisher, format: 'bundle' };
  });
  return {
    engine: admission,
    reference,
    repository: imageRepository(reference),
    command: repeatCommand(options.image, request),
    name: policyName(reference),
    checks,
    notes,
  };
}

/** The header both generators start with: what, which image, which command it mirrors. */
export function headerLines(model: AdmissionModel, kind: string, engineNotes: readonly string[]): string[] {
  return [
    ` ${kind} for ${model.repository}, written by release-actions verify --emit ${model.engine}.`,
    ' It admits an image of this repository only when it carries what this command checks:',
    `   ${model.command}`,
    ` Checks: ${model.checks.map((c) => c.check).join(', ')}.`,
    ' A multi-platform index carries no SBOMs itself (each platform digest does): to admit one by',
    ' its index digest, emit with --checks signature,provenance.',
    ...[...model.notes, ...engineNotes].map((note) => ` ${note}`),
  ];
}

/** The policy for the engine asked for, as YAML. */
export async function emitAdmission(options: AdmissionOptions): Promise<AdmissionPolicy> {
  const model = admissionModel(options);
  const render =
    model.engine === 'kyverno'
      ? (await import('./admission-kyverno.js')).kyvernoPolicy
      : (await import('./admission-policy-controller.js')).policyControllerPolicy;
  return { engine: model.engine, repository: model.repository, yaml: render(model) };
}

/** The action's outputs for an emitted policy. */
export function admissionOutputs(policy: AdmissionPolicy): Record<string, string> {
  return { policy: policy.yaml };
}

/** The job summary: which engine, which repository, and the policy to apply. */
export function renderAdmissionSummary(policy: AdmissionPolicy, summary: Markdown): Markdown {
  return summary
    .heading('Admission policy')
    .paragraph(
      `${policy.engine} policy for ${code(policy.repository)}: apply it with ${code('kubectl apply -f')}.`,
    )
    .codeBlock(policy.yaml, 'yaml');
}
