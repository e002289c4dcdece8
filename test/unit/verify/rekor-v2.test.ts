import { describe, expect, it } from '@jest/globals';
import { silentLogger } from '@release-actions/core';
import { buildIdentityPolicy, type ClaimPolicy } from '@release-actions/verify';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadVerifier, verifyStatementBundle } from '../../../packages/verify/src/native.js';
import { subjectMatches } from '../../../packages/verify/src/statement.js';

/**
 * A real Rekor v2 bundle (sigstore-conformance, see test/fixtures/sigstore/rekor2-dsse/SOURCES.md)
 * through the native engine: the DSSE envelope is logged as hashedrekord 0.0.2 over its PAE and
 * proven by a signed checkpoint, which @sigstore/verify before 4.x rejects (2.x: "invalid
 * checkpoint signature", 3.x: "digest mismatch"). Each tampered copy changes one byte.
 */
const FIXTURES = path.resolve('test/fixtures/sigstore/rekor2-dsse');
const TRUSTED_ROOT = path.join(FIXTURES, 'trusted_root.json');
const LOG = 'log2025-alpha3.rekor.sigstage.dev';
const TAMPERED = 'bundle does not verify (tampered or not from the trusted root): ';
const SAN =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';

interface Bundle {
  verificationMaterial: {
    tlogEntries: {
      inclusionProof: { hashes: string[]; checkpoint: { envelope: string } };
    }[];
  };
  dsseEnvelope: { signatures: { sig: string }[] };
}

const original = readFileSync(path.join(FIXTURES, 'bundle.sigstore.json'), 'utf8');
const bundle = (): Bundle => JSON.parse(original) as Bundle;
const artifactDigest = `sha256:${createHash('sha256')
  .update(readFileSync(path.join(FIXTURES, 'a.txt')))
  .digest('hex')}`;

/** The conformance suite's policy for this bundle: the beacon workflow on main, GitHub's issuer. */
const policy = (options: { repository?: string; ref?: string; issuer?: string } = {}): ClaimPolicy =>
  buildIdentityPolicy({
    signer: 'workflow',
    repository: options.repository ?? 'sigstore-conformance/extremely-dangerous-public-oidc-beacon',
    workflow: '.github/workflows/extremely-dangerous-oidc-beacon.yml',
    sourceRefPattern: options.ref ?? 'refs/heads/main',
    ...(options.issuer !== undefined ? { issuer: options.issuer } : {}),
  });

/** base64 with one bit of byte `at` flipped. */
function flip(base64: string, at: number): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[at] = (bytes[at] as number) ^ 0x01;
  return bytes.toString('base64');
}

async function verify(json: unknown, claimPolicy: ClaimPolicy = policy()) {
  const verifier = await loadVerifier({ trustedRoot: TRUSTED_ROOT, logger: silentLogger });
  return verifyStatementBundle(json, 'rekor2-dsse', verifier, claimPolicy);
}

describe('a real Rekor v2 bundle, verified by the native engine', () => {
  it('verifies: checkpoint, inclusion proof, timestamp, signature and every claim of the policy', async () => {
    const { outcome, statement } = await verify(bundle());
    expect(outcome.reason).toBeUndefined();
    expect(outcome.status).toBe('passed');
    expect(outcome.identity).toBe(SAN);
    expect(outcome.issuer).toBe('https://token.actions.githubusercontent.com');
    expect(outcome.repository).toBe('sigstore-conformance/extremely-dangerous-public-oidc-beacon');
    expect(outcome.sourceRef).toBe('refs/heads/main');
    expect(outcome.claims?.map((c) => [c.claim, c.ok])).toEqual([
      ['identity', true],
      ['issuer', true],
      ['repository', true],
      ['source-ref', true],
    ]);
    // Rekor v2 has no integrated time; the log index is still shown.
    expect(outcome.rekor).toEqual({ logIndex: 4026478 });
    expect(statement?.predicateType).toBe('https://slsa.dev/provenance/v1');
    expect(subjectMatches(statement!, artifactDigest)).toBe(true);
    expect(subjectMatches(statement!, `sha256:${'0'.repeat(64)}`)).toBe(false);
  });

  it('fails when one byte of the log signature on the checkpoint changes', async () => {
    const tampered = bundle();
    const proof = tampered.verificationMaterial.tlogEntries[0]!.inclusionProof;
    const lines = proof.checkpoint.envelope.split('\n');
    const at = lines.findIndex((line) => line.startsWith(`— ${LOG} `));
    expect(at).toBeGreaterThan(0);
    const [dash, name, signature] = lines[at]!.split(' ') as [string, string, string];
    // Past the 4-byte key hint, inside the Ed25519 signature.
    lines[at] = `${dash} ${name} ${flip(signature, 10)}`;
    proof.checkpoint.envelope = lines.join('\n');
    const { outcome, statement } = await verify(tampered);
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toBe(`${TAMPERED}invalid checkpoint signature`);
    expect(statement).toBeUndefined();
  });

  it('fails when one byte of the root hash the checkpoint signs changes', async () => {
    const tampered = bundle();
    const proof = tampered.verificationMaterial.tlogEntries[0]!.inclusionProof;
    const lines = proof.checkpoint.envelope.split('\n');
    lines[2] = flip(lines[2]!, 0);
    proof.checkpoint.envelope = lines.join('\n');
    const { outcome } = await verify(tampered);
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toBe(`${TAMPERED}invalid checkpoint signature`);
  });

  it('fails when one byte of a hash of the inclusion proof changes', async () => {
    const tampered = bundle();
    const proof = tampered.verificationMaterial.tlogEntries[0]!.inclusionProof;
    proof.hashes[0] = flip(proof.hashes[0]!, 0);
    const { outcome } = await verify(tampered);
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toBe(`${TAMPERED}calculated root hash does not match inclusion proof`);
  });

  it('fails when one byte of the DSSE signature changes', async () => {
    const tampered = bundle();
    const signature = tampered.dsseEnvelope.signatures[0]!;
    signature.sig = flip(signature.sig, 20);
    const { outcome } = await verify(tampered);
    expect(outcome.status).toBe('failed');
    // The RFC 3161 timestamp is over the signature, and it is checked first.
    expect(outcome.reason).toBe(`${TAMPERED}timestamp could not be verified`);
  });

  it.each([
    [
      'another repository',
      { repository: 'sigstore-conformance/extremely-dangerous-public-oidc-beacon2' },
      'identity mismatch',
    ],
    ['another ref', { ref: 'refs/tags/v*' }, 'identity mismatch'],
    ['another issuer', { issuer: 'https://accounts.google.com' }, 'issuer mismatch'],
  ])('verifies the cryptography but refuses the policy of %s', async (_name, options, reason) => {
    const { outcome, statement } = await verify(bundle(), policy(options));
    expect(outcome.status).toBe('failed');
    expect(outcome.identity).toBe(SAN);
    expect(outcome.reason).toMatch(new RegExp(`^${reason}: saw `));
    expect(statement).toBeUndefined();
  });
});
