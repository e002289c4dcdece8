// What the fake cosign answers to `verify -o json` and `verify-attestation --type …`, from real
// upstream output:
//   verify             cosign/verify-output/keyless-github-actions.otel-contrib-0.98.0.json (or
//                      $FAKE_COSIGN_VERIFY_OUTPUT), each signature's docker-manifest-digest set to
//                      the digest asked for unless FAKE_COSIGN_AS_IS=1.
//   verify-attestation the certificate of that same output, and one DSSE envelope line per
//                      attestation: cosign/dsse/alpine.syft-attest.cyclonedx.dsse.json for
//                      cyclonedx; for spdxjson the same envelope carrying the SPDX document
//                      syft/real/kubectl-linux-amd64.syft-0.90.0.spdx-2.3.json. The statement's
//                      subject is set to the digest asked for unless FAKE_COSIGN_AS_IS=1.
//                      $FAKE_COSIGN_ATTESTATION_<TYPE> (e.g. …_SPDXJSON) names another envelope
//                      file; "none" means the image has no attestation of that type.
// Like cosign (CheckCertificatePolicy), it applies --certificate-identity-regexp,
// --certificate-oidc-issuer, then --certificate-github-workflow-trigger, -repository and -ref to
// the certificate's legacy GitHub extensions (githubWorkflowTrigger 1.2, githubWorkflowRepository
// 1.5, githubWorkflowRef 1.6), each an exact comparison, and fails with cosign's messages.
// FAKE_COSIGN_UNSIGNED=1: the image has no signature at all. FAKE_COSIGN_NEW_BUNDLE_FORMAT=1: verify
// prints what cosign v3 prints for new-format bundles (type https://sigstore.dev/cosign/sign/v1,
// "optional": {}).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { flag, upstream } from './lib.mjs';

const PREDICATE_TYPES = { spdxjson: 'https://spdx.dev/Document', cyclonedx: 'https://cyclonedx.org/bom' };

function fail(message) {
  process.stderr.write(`Error: ${message}\nmain.go:74: error during command execution: ${message}\n`);
  process.exitCode = 1;
}

function signatures() {
  const file =
    process.env.FAKE_COSIGN_VERIFY_OUTPUT ||
    path.join(upstream, 'cosign', 'verify-output', 'keyless-github-actions.otel-contrib-0.98.0.json');
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** cosign's CheckCertificatePolicy, for the certificate fields verify -o json shows. */
function policyFailure(argv, optional) {
  const regexp = flag(argv, '--certificate-identity-regexp');
  const issuer = flag(argv, '--certificate-oidc-issuer');
  const repository = flag(argv, '--certificate-github-workflow-repository');
  const ref = flag(argv, '--certificate-github-workflow-ref');
  const trigger = flag(argv, '--certificate-github-workflow-trigger');
  if (optional === null) return 'no certificate';
  if (
    (issuer !== undefined && optional.Issuer !== issuer) ||
    (regexp !== undefined && !new RegExp(regexp).test(optional.Subject))
  ) {
    return `none of the expected identities matched what was in the certificate, got subjects [${optional.Subject}] with issuer ${optional.Issuer}`;
  }
  if (trigger !== undefined && optional.githubWorkflowTrigger !== trigger) {
    return 'expected GitHub Workflow Trigger not found in certificate';
  }
  if (repository !== undefined && optional.githubWorkflowRepository !== repository) {
    return 'expected GitHub Workflow Repository not found in certificate';
  }
  if (ref !== undefined && optional.githubWorkflowRef !== ref) {
    return 'expected GitHub Workflow Ref not found in certificate';
  }
  return undefined;
}

function preamble(reference) {
  return `\nVerification for ${reference} --\nThe following checks were performed on each of these signatures:\n  - The cosign claims were validated\n  - Existence of the claims in the transparency log was verified offline\n  - The code-signing certificate was verified using trusted certificate authority certificates\n`;
}

function envelopeFor(type, digest) {
  const configured = process.env[`FAKE_COSIGN_ATTESTATION_${type.toUpperCase()}`];
  if (configured === 'none') return undefined;
  const base = JSON.parse(
    readFileSync(
      configured || path.join(upstream, 'cosign', 'dsse', 'alpine.syft-attest.cyclonedx.dsse.json'),
      'utf8',
    ),
  );
  if (configured) return base;
  const statement = JSON.parse(Buffer.from(base.payload, 'base64').toString('utf8'));
  if (type === 'spdxjson') {
    statement.predicateType = PREDICATE_TYPES.spdxjson;
    statement.predicate = JSON.parse(
      readFileSync(
        path.join(upstream, 'syft', 'real', 'kubectl-linux-amd64.syft-0.90.0.spdx-2.3.json'),
        'utf8',
      ),
    );
  }
  if (process.env.FAKE_COSIGN_AS_IS !== '1')
    statement.subject = [{ name: '', digest: { sha256: digest.split(':')[1] } }];
  return { ...base, payload: Buffer.from(JSON.stringify(statement)).toString('base64') };
}

export async function verify(command, argv) {
  const reference = argv[argv.length - 1];
  const digest = reference.split('@')[1];
  if (digest === undefined) {
    fail(`fake cosign refuses to ${command} ${reference}: not a digest reference`);
    return;
  }
  const all = signatures();
  if (process.env.FAKE_COSIGN_UNSIGNED === '1') {
    fail(command === 'verify' ? 'no signatures found' : 'no matching attestations: no attestations found');
    return;
  }
  const failures = all.map((s) => policyFailure(argv, s.optional));
  const good = all.filter((_, i) => failures[i] === undefined);
  if (good.length === 0) {
    fail(`no matching ${command === 'verify' ? 'signatures' : 'attestations'}: ${failures[0]}`);
    return;
  }
  if (command === 'verify') {
    if (process.env.FAKE_COSIGN_AS_IS !== '1') {
      for (const s of good) s.critical.image['docker-manifest-digest'] = digest;
    }
    if (process.env.FAKE_COSIGN_NEW_BUNDLE_FORMAT === '1') {
      for (const s of good) {
        s.critical.type = 'https://sigstore.dev/cosign/sign/v1';
        s.optional = {};
      }
    }
    process.stderr.write(preamble(reference));
    process.stdout.write(`${JSON.stringify(good)}\n`);
    return;
  }
  const type = flag(argv, '--type');
  const envelope = envelopeFor(type, digest);
  if (envelope === undefined) {
    fail(
      `none of the attestations matched the predicate type: ${type}, found: ${type === 'spdxjson' ? PREDICATE_TYPES.cyclonedx : PREDICATE_TYPES.spdxjson}`,
    );
    return;
  }
  const cert = good[0].optional;
  process.stderr.write(
    `${preamble(reference)}Certificate subject:  ${cert.Subject}\nCertificate issuer URL:  ${cert.Issuer}\nGitHub Workflow Trigger: ${cert.githubWorkflowTrigger}\nGitHub Workflow SHA: ${cert.githubWorkflowSha}\nGitHub Workflow Name: ${cert.githubWorkflowName}\nGitHub Workflow Repository: ${cert.githubWorkflowRepository}\nGitHub Workflow Ref: ${cert.githubWorkflowRef}\n`,
  );
  process.stdout.write(`${JSON.stringify(envelope)}\n`);
}
