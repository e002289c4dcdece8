import { bundleToJSON } from '@sigstore/bundle';
import { DSSEBundleBuilder } from '@sigstore/sign';
import { createHash, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { RegistryClient, type Resolved } from '@release-actions/oci';
import { PREDICATE_TYPES } from '@release-actions/verify';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Layout } from '../../harness/images.js';
import { startRegistry, type Registry } from '../../harness/registry.js';
import { startSigstore, type GitHubClaims, type Sigstore } from '../../harness/sigstore.js';

export const BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const OURS = 'https://github.com/aotanami/release-actions/.github/workflows/release.yml';

/** The commit of aotanami/release-actions the jobs below ran (1.3.6.1.4.1.57264.1.10). */
export const OUR_COMMIT = '0123456789abcdef0123456789abcdef01234567';

/**
 * Claims of a job of our reusable workflow at `ref` (our tag, or the commit the caller pinned),
 * called by `repository`'s workflow running at `callerRef` on `event`.
 */
export function reusableClaims(
  repository: string,
  ref = 'refs/tags/v1.4.0',
  callerRef = 'refs/tags/v2.0.0',
  event = 'push',
): GitHubClaims {
  return {
    identity: `${OURS}@${ref}`,
    repository,
    ref: callerRef,
    sha: 'a'.repeat(40),
    workflow_ref: `${repository}/.github/workflows/release.yml@${callerRef}`,
    job_workflow_ref: `aotanami/release-actions/.github/workflows/release.yml@${ref}`,
    job_workflow_sha: OUR_COMMIT,
    event_name: event,
  };
}

/** Claims of the publisher's own workflow `file` at `ref`. */
export function workflowClaims(
  repository: string,
  file = '.github/workflows/release.yml',
  ref = 'refs/tags/v2.0.0',
): GitHubClaims {
  return {
    identity: `https://github.com/${repository}/${file}@${ref}`,
    repository,
    ref,
    sha: 'b'.repeat(40),
    workflow_ref: `${repository}/${file}@${ref}`,
    job_workflow_ref: `${repository}/${file}@${ref}`,
    event_name: 'push',
  };
}

export const SPDX = {
  spdxVersion: 'SPDX-2.3',
  dataLicense: 'CC0-1.0',
  SPDXID: 'SPDXRef-DOCUMENT',
  name: 'app',
  documentNamespace: 'https://example.com/app',
  creationInfo: { created: '2026-01-01T00:00:00Z', creators: ['Tool: syft'] },
  packages: [],
};

export const CYCLONEDX = { bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components: [] };

export type Kind = keyof typeof PREDICATE_TYPES;

export function statement(name: string, digest: string, kind: Kind, predicate?: unknown): object {
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name, digest: { sha256: digest.replace(/^sha256:/, '') } }],
    predicateType: PREDICATE_TYPES[kind],
    predicate: predicate ?? (kind === 'sbom-spdx' ? SPDX : kind === 'sbom-cyclonedx' ? CYCLONEDX : {}),
  };
}

export interface SignOptions {
  claims: GitHubClaims;
  kinds?: Kind[];
  /** Statement digest instead of the subject's own. */
  over?: string;
  predicate?: Partial<Record<Kind, unknown>>;
  /** Changes the bundle after signing (tampering). */
  mutate?: (bundle: Record<string, unknown>) => void;
}

/** Signs a statement per kind over `subject` and attaches each bundle as cosign v3 does. */
export async function signAndAttach(
  sigstore: Sigstore,
  client: RegistryClient,
  subject: { reference: string; digest: string },
  options: SignOptions,
): Promise<void> {
  const name = subject.reference.split('@')[0] as string;
  for (const kind of options.kinds ?? (['signature', 'sbom-spdx', 'sbom-cyclonedx'] as Kind[])) {
    const bundle = await sigstore.sign(
      statement(name, options.over ?? subject.digest, kind, options.predicate?.[kind]),
      options.claims,
    );
    options.mutate?.(bundle);
    await client.attachArtifact(subject.reference, {
      artifactType: BUNDLE_TYPE,
      content: Buffer.from(JSON.stringify(bundle)),
      annotations: {
        'dev.sigstore.bundle.content': 'dsse-envelope',
        'dev.sigstore.bundle.predicateType': PREDICATE_TYPES[kind],
      },
    });
  }
}

export function subjects(resolved: Resolved): { reference: string; digest: string }[] {
  const base = `${resolved.registry}/${resolved.repository}`;
  return [
    { reference: resolved.reference, digest: resolved.digest },
    ...(resolved.platforms ?? []).map((p) => ({ reference: `${base}@${p.digest}`, digest: p.digest })),
  ];
}

/**
 * Signs a statement per kind over `subject` with a plain key pair and no witness, and attaches
 * each bundle as cosign v3 does: what `cosign sign|attest --key` writes with a signing config
 * that names no transparency log (verificationMaterial.publicKey with a hint, no tlog entries).
 */
export async function keySignAndAttach(
  keys: { privateKey: KeyObject; publicKey: KeyObject },
  client: RegistryClient,
  subject: { reference: string; digest: string },
  kinds: Kind[] = ['signature', 'sbom-spdx', 'sbom-cyclonedx'],
): Promise<void> {
  const name = subject.reference.split('@')[0] as string;
  const publicKey = keys.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const hint = createHash('sha256')
    .update(keys.publicKey.export({ format: 'der', type: 'spki' }))
    .digest('base64');
  const builder = new DSSEBundleBuilder({
    signer: {
      sign: async (data: Buffer) => ({
        signature: cryptoSign('sha256', data, keys.privateKey),
        key: { $case: 'publicKey', publicKey, hint },
      }),
    },
    witnesses: [],
  });
  for (const kind of kinds) {
    const bundle = await builder.create({
      data: Buffer.from(JSON.stringify(statement(name, subject.digest, kind))),
      type: 'application/vnd.in-toto+json',
    });
    await client.attachArtifact(subject.reference, {
      artifactType: BUNDLE_TYPE,
      content: Buffer.from(JSON.stringify(bundleToJSON(bundle))),
      annotations: {
        'dev.sigstore.bundle.content': 'dsse-envelope',
        'dev.sigstore.bundle.predicateType': PREDICATE_TYPES[kind],
      },
    });
  }
}

/** What the native-engine tests run against: the loopback registry, the Sigstore stand-in and its trusted root. */
export interface VerifyStage {
  registry: Registry;
  sigstore: Sigstore;
  layout: Layout;
  /** A scratch folder, removed by stop(). */
  dir: string;
  /** The stand-in's trusted root, as a file in dir. */
  trustedRoot: string;
  stop(): Promise<void>;
}

export async function startVerifyStage(prefix: string): Promise<VerifyStage> {
  const registry = await startRegistry();
  const sigstore = await startSigstore();
  const layout = new Layout();
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const trustedRoot = path.join(dir, 'trusted_root.json');
  writeFileSync(trustedRoot, JSON.stringify(sigstore.trustedRoot));
  return {
    registry,
    sigstore,
    layout,
    dir,
    trustedRoot,
    async stop() {
      await registry.stop();
      await sigstore.stop();
      layout.remove();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
