// What the fake cosign answers to `verify-blob --bundle <b> [flags] <file>`, as cosign v3.1.3 does
// for a new-format bundle (checked in test/real/verify-blob.test.ts):
//   - no bundle file: with --trusted-root, `--trusted-root only supported with --new-bundle-format`
//     (cosign reads a bundle it cannot open as its older format), else `open <b>: no such file or
//     directory`;
//   - a message signature whose digest is not the file's SHA-256 (another file, or the file
//     altered): sigstore-go's `failed to verify signature: could not verify message: invalid
//     signature when validating ASN.1 encoded signature` (the signature is checked before the
//     identity);
//   - a certificate that does not fit --certificate-identity-regexp, --certificate-oidc-issuer or
//     --certificate-github-workflow-trigger/-repository/-ref: the same sigstore-go lines as
//     `verify` (cosign-verify.mjs), read from the bundle's own certificate (legacy extensions);
//   - otherwise `Verified OK` on stderr, exit 0.
// The signature itself is not checked: the fake's own bundles do not verify.
import { X509Certificate } from '@sigstore/core';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { policyFailureV3 } from './cosign-verify.mjs';
import { flag } from './lib.mjs';

function fail(message) {
  process.stderr.write(`Error: ${message}\nerror during command execution: ${message}\n`);
  process.exitCode = 1;
}

const text = (certificate, oid) => certificate.extension(oid)?.value.toString('utf8');
const utf8 = (certificate, oid) => certificate.extension(oid)?.valueObj.subs[0]?.value.toString('utf8');

/** The fields cosign's verify -o json shows for a certificate, as policyFailureV3 reads them. */
function certificateFields(bundle) {
  const material = bundle.verificationMaterial ?? {};
  const raw = material.certificate?.rawBytes ?? material.x509CertificateChain?.certificates?.[0]?.rawBytes;
  if (raw === undefined) return undefined;
  const certificate = X509Certificate.parse(Buffer.from(raw, 'base64'));
  return {
    Subject: certificate.subjectAltName,
    Issuer: utf8(certificate, '1.3.6.1.4.1.57264.1.8') ?? text(certificate, '1.3.6.1.4.1.57264.1.1'),
    githubWorkflowTrigger: text(certificate, '1.3.6.1.4.1.57264.1.2'),
    githubWorkflowRepository: text(certificate, '1.3.6.1.4.1.57264.1.5'),
    githubWorkflowRef: text(certificate, '1.3.6.1.4.1.57264.1.6'),
  };
}

export function verifyBlob(argv) {
  const key = flag(argv, '--key');
  const bundleFile = flag(argv, '--bundle');
  const regexp = flag(argv, '--certificate-identity-regexp') ?? flag(argv, '--certificate-identity');
  if (key === undefined && bundleFile === undefined) {
    fail(
      'provide a key with --key or --sk, a certificate to verify against with --certificate, or a bundle with --bundle',
    );
    return;
  }
  if (key !== undefined && regexp !== undefined) {
    fail(
      'exactly one of: key reference (--key) or certificate identity (--certificate-identity or --certificate-identity-regexp) must be provided',
    );
    return;
  }
  let bundle;
  try {
    bundle = JSON.parse(readFileSync(bundleFile, 'utf8'));
  } catch (error) {
    // cosign takes a bundle it cannot read for its older format, which has no --trusted-root.
    if (error.code === 'ENOENT' && flag(argv, '--trusted-root') !== undefined) {
      fail('--trusted-root only supported with --new-bundle-format');
    } else fail(error.code === 'ENOENT' ? `open ${bundleFile}: no such file or directory` : error.message);
    return;
  }
  const file = argv[argv.length - 1];
  let bytes;
  try {
    bytes = readFileSync(file);
  } catch {
    fail(`open ${file}: no such file or directory`);
    return;
  }
  const message = bundle.messageSignature;
  if (message !== undefined) {
    const digest = createHash('sha256').update(bytes).digest('base64');
    if (message.messageDigest?.digest !== digest) {
      fail(
        'failed to verify signature: could not verify message: invalid signature when validating ASN.1 encoded signature',
      );
      return;
    }
  }
  if (key === undefined) {
    const fields = certificateFields(bundle);
    if (fields === undefined) {
      fail('failed to verify certificate identity: no certificate found in bundle');
      return;
    }
    const problem = policyFailureV3(argv, fields);
    if (problem !== undefined) {
      fail(problem);
      return;
    }
  }
  process.stderr.write('Verified OK\n');
}
