// What the fake cosign answers to `verify -o json` and `verify-attestation --type …`, from real
// upstream output:
//   verify             cosign/verify-output/keyless-github-actions.otel-contrib-0.98.0.json (or
//                      $FAKE_COSIGN_VERIFY_OUTPUT), each signature's docker-manifest-digest set to
//                      the digest asked for unless FAKE_COSIGN_AS_IS=1.
//   verify-attestation the certificate of that same output, and one DSSE envelope line per
//                      attestation: cosign/dsse/alpine.syft-attest.cyclonedx.dsse.json for
//                      cyclonedx; for spdxjson the same envelope carrying the SPDX document
//                      syft/real/kubectl-linux-amd64.syft-0.90.0.spdx-2.3.json; for openvex the
//                      OpenVEX document test/fixtures/vuln/vex/check-all-fields.openvex.json. The statement's
//                      subject is set to the digest asked for unless FAKE_COSIGN_AS_IS=1.
//                      $FAKE_COSIGN_ATTESTATION_<TYPE> (e.g. …_SPDXJSON) names another envelope
//                      file; "none" means the image has no attestation of that type.
// Like cosign (CheckCertificatePolicy), it applies --certificate-identity-regexp,
// --certificate-oidc-issuer, then --certificate-github-workflow-trigger, -repository and -ref to
// the certificate's legacy GitHub extensions (githubWorkflowTrigger 1.2, githubWorkflowRepository
// 1.5, githubWorkflowRef 1.6), each an exact comparison, and fails with cosign's messages.
// With --key (key-based; cosign refuses it beside --certificate-identity[-regexp]) it answers as
// cosign v3.1.3 does for a key-signed image: the signatures verify when the key file's content
// equals $FAKE_COSIGN_SIGNED_KEY's (default: any key); FAKE_COSIGN_UNLOGGED=1 means they have no
// transparency-log entry, so they pass only with --insecure-ignore-tlog=true (else a trusted root
// shows "not enough verified log entries", and without one cosign asks TUF). `verify -o json`
// lists the image signature and, as cosign v3 does, the SBOM attestations the key signed.
// FAKE_COSIGN_UNSIGNED=1: the image has no signature at all. FAKE_COSIGN_NEW_BUNDLE_FORMAT=1: what
// cosign v3.1.3 prints for new-format bundles (checked in test/real/keyless.test.ts): `verify -o
// json` lists the signature (type https://sigstore.dev/cosign/sign/v1, "optional": {}) and every
// SBOM attestation on the digest (each type not set to "none") under its predicate type;
// `verify-attestation` prints no certificate lines; a certificate that does not fit the flags fails
// with sigstore-go's words (`failed to verify certificate identity: no matching
// CertificateIdentity found, last error: expected GithubWorkflowRepository to be "X", got "Y"`),
// one line per bundle on the digest, after "no matching attestations: ".
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { flag, upstream } from './lib.mjs';

const PREDICATE_TYPES = { spdxjson: 'https://spdx.dev/Document', cyclonedx: 'https://cyclonedx.org/bom' };

function fail(message) {
  // cosign v3.1.3 prints the error twice, the second time after this prefix (no file:line).
  process.stderr.write(`Error: ${message}\nerror during command execution: ${message}\n`);
  process.exitCode = 1;
}

function signatures() {
  const file =
    process.env.FAKE_COSIGN_VERIFY_OUTPUT ||
    path.join(upstream, 'cosign', 'verify-output', 'keyless-github-actions.otel-contrib-0.98.0.json');
  return JSON.parse(readFileSync(file, 'utf8'));
}

const NEW_BUNDLE_FORMAT = () => process.env.FAKE_COSIGN_NEW_BUNDLE_FORMAT === '1';

/**
 * What cosign v3 answers for a new-format bundle whose certificate does not fit the flags:
 * sigstore-go's CertificateIdentity check, the SAN against the regexp, then the issuer, then the
 * extensions in its struct order (trigger 1.2, repository 1.5, ref 1.6), naming the first that differs.
 */
export function policyFailureV3(argv, optional) {
  const regexp = flag(argv, '--certificate-identity-regexp');
  const issuer = flag(argv, '--certificate-oidc-issuer');
  const checks = [
    [
      'GithubWorkflowTrigger',
      flag(argv, '--certificate-github-workflow-trigger'),
      optional.githubWorkflowTrigger,
    ],
    [
      'GithubWorkflowRepository',
      flag(argv, '--certificate-github-workflow-repository'),
      optional.githubWorkflowRepository,
    ],
    ['GithubWorkflowRef', flag(argv, '--certificate-github-workflow-ref'), optional.githubWorkflowRef],
  ];
  const prefix = 'failed to verify certificate identity: no matching CertificateIdentity found, last error: ';
  if (regexp !== undefined && !new RegExp(regexp).test(optional.Subject)) {
    return `${prefix}expected SAN value to match regex "${regexp}", got "${optional.Subject}"`;
  }
  if (issuer !== undefined && optional.Issuer !== issuer) {
    return `${prefix}expected issuer value "${issuer}", got "${optional.Issuer}"`;
  }
  for (const [field, wanted, seen] of checks) {
    if (wanted !== undefined && wanted !== seen)
      return `${prefix}expected ${field} to be "${wanted}", got "${seen}"`;
  }
  return undefined;
}

/** cosign's CheckCertificatePolicy, for the certificate fields verify -o json shows. */
function policyFailure(argv, optional) {
  if (NEW_BUNDLE_FORMAT() && optional !== null) return policyFailureV3(argv, optional);
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
  if (type === 'openvex') {
    // cosign's --type openvex predicate type (pkg/cosign/attestation OpenVexNamespace).
    statement.predicateType = 'https://openvex.dev/ns';
    statement.predicate = JSON.parse(
      readFileSync(path.join(upstream, '..', 'vuln', 'vex', 'check-all-fields.openvex.json'), 'utf8'),
    );
  }
  if (process.env.FAKE_COSIGN_AS_IS !== '1')
    statement.subject = [{ name: '', digest: { sha256: digest.split(':')[1] } }];
  return { ...base, payload: Buffer.from(JSON.stringify(statement)).toString('base64') };
}

/** One entry of cosign v3's `verify -o json` list for a new-format bundle: no certificate fields. */
function bundleEntry(reference, digest, type) {
  return {
    critical: {
      identity: { 'docker-reference': reference },
      image: { 'docker-manifest-digest': digest },
      type,
    },
    optional: {},
  };
}

/**
 * The attestations on the digest as cosign v3's `verify` lists them, each under its predicate
 * type (custom ones as https://cosign.sigstore.dev/attestation/v1): every SBOM type not set to "none".
 */
function attestationEntries(reference, digest) {
  return Object.keys(PREDICATE_TYPES)
    .filter((type) => process.env[`FAKE_COSIGN_ATTESTATION_${type.toUpperCase()}`] !== 'none')
    .map((type) => bundleEntry(reference, digest, PREDICATE_TYPES[type]));
}

const KEY_AND_IDENTITY =
  "exactly one of: key reference (--key) or certificate identity (--certificate-identity or --certificate-identity-regexp), must be provided. To determine which to use, inspect the bundle's 'verificationMaterial' field: if 'publicKey' is present, use key reference; if 'certificate' or 'x509CertificateChain' is present, use certificate identity";

function keyPreamble(reference) {
  return `\nVerification for ${reference} --\nThe following checks were performed on each of these signatures:\n  - The cosign claims were validated\n  - Existence of the claims in the transparency log was verified offline\n  - The signatures were verified against the specified public key\n`;
}

/** `verify --key` / `verify-attestation --key`, as cosign v3.1.3 answers for a key-signed image. */
function verifyWithKey(command, argv, reference, digest) {
  const ignoreTlog = argv.includes('--insecure-ignore-tlog') || argv.includes('--insecure-ignore-tlog=true');
  const what = command === 'verify' ? 'signature' : 'attestation';
  if (ignoreTlog) {
    process.stderr.write(
      `WARNING: Skipping tlog verification is an insecure practice that lacks transparency and auditability verification for the ${what}.\n`,
    );
  }
  if (
    flag(argv, '--certificate-identity') !== undefined ||
    flag(argv, '--certificate-identity-regexp') !== undefined
  ) {
    fail(KEY_AND_IDENTITY);
    return;
  }
  const unlogged = process.env.FAKE_COSIGN_UNLOGGED === '1';
  if (unlogged && !ignoreTlog) {
    if (flag(argv, '--trusted-root') === undefined) {
      fail(
        'setting trusted material: getting trusted root from TUF for new bundle verification: error getting live trusted root: failed to create TUF client failed to load metadata: tuf refresh failed: Get "https://tuf-repo-cdn.sigstore.dev/15.root.json": dial tcp: lookup tuf-repo-cdn.sigstore.dev: no such host',
      );
    } else {
      fail(
        'no matching attestations: failed to verify log inclusion: not enough verified log entries from transparency log: 0 < 1',
      );
    }
    return;
  }
  if (process.env.FAKE_COSIGN_UNSIGNED === '1') {
    fail(command === 'verify' ? 'no signatures found' : 'no matching attestations: no attestations found');
    return;
  }
  const signedBy = process.env.FAKE_COSIGN_SIGNED_KEY;
  if (
    signedBy !== undefined &&
    readFileSync(flag(argv, '--key'), 'utf8') !== readFileSync(signedBy, 'utf8')
  ) {
    fail(
      'no matching attestations: failed to verify signature: could not verify envelope: accepted signatures do not match threshold, Found: 0, Expected 1',
    );
    return;
  }
  if (command === 'verify') {
    // cosign v3 lists every bundle the key signed: the signature, and each attestation.
    process.stderr.write(keyPreamble(reference));
    process.stdout.write(
      `${JSON.stringify([
        bundleEntry(reference, digest, 'https://sigstore.dev/cosign/sign/v1'),
        ...attestationEntries(reference, digest),
      ])}\n`,
    );
    return;
  }
  const type = flag(argv, '--type');
  const envelope = envelopeFor(type, digest);
  if (envelope === undefined) {
    fail(
      `none of the attestations matched the predicate type: ${type}, found: https://sigstore.dev/cosign/sign/v1,${type === 'spdxjson' ? PREDICATE_TYPES.cyclonedx : PREDICATE_TYPES.spdxjson}`,
    );
    return;
  }
  process.stderr.write(keyPreamble(reference));
  process.stdout.write(`${JSON.stringify(envelope)}\n`);
}

export async function verify(command, argv) {
  const reference = argv[argv.length - 1];
  const digest = reference.split('@')[1];
  if (digest === undefined) {
    fail(`fake cosign refuses to ${command} ${reference}: not a digest reference`);
    return;
  }
  if (flag(argv, '--key') !== undefined) {
    verifyWithKey(command, argv, reference, digest);
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
    if (NEW_BUNDLE_FORMAT()) {
      // cosign v3 checks every bundle on the digest (the signatures and the attestations, all
      // from the same signer here) and joins their errors, one line each.
      const lines = [...failures, ...attestationEntries(reference, digest).map(() => failures[0])];
      fail(`no matching attestations: ${lines.join('\n')}`);
      return;
    }
    fail(`no matching ${command === 'verify' ? 'signatures' : 'attestations'}: ${failures[0]}`);
    return;
  }
  if (command === 'verify') {
    if (process.env.FAKE_COSIGN_AS_IS !== '1') {
      for (const s of good) s.critical.image['docker-manifest-digest'] = digest;
    }
    if (NEW_BUNDLE_FORMAT()) {
      for (const s of good) {
        s.critical.type = 'https://sigstore.dev/cosign/sign/v1';
        s.optional = {};
      }
      // cosign v3 lists every bundle on the digest that fits the flags: the signature, and each
      // attestation under its predicate type.
      good.push(...attestationEntries(reference, digest));
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
  if (NEW_BUNDLE_FORMAT()) {
    // cosign v3 prints no certificate lines for a new-format bundle, only the checks it made.
    process.stderr.write(preamble(reference));
    process.stdout.write(`${JSON.stringify(envelope)}\n`);
    return;
  }
  const cert = good[0].optional;
  process.stderr.write(
    `${preamble(reference)}Certificate subject:  ${cert.Subject}\nCertificate issuer URL:  ${cert.Issuer}\nGitHub Workflow Trigger: ${cert.githubWorkflowTrigger}\nGitHub Workflow SHA: ${cert.githubWorkflowSha}\nGitHub Workflow Name: ${cert.githubWorkflowName}\nGitHub Workflow Repository: ${cert.githubWorkflowRepository}\nGitHub Workflow Ref: ${cert.githubWorkflowRef}\n`,
  );
  process.stdout.write(`${JSON.stringify(envelope)}\n`);
}
