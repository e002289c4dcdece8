import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RegistryClient } from '@release-actions/oci';
import type { VerifyReport } from '@release-actions/verify';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Layout } from '../../harness/images.js';
import { startRegistry, type Registry } from '../../harness/registry.js';
import { startSigstore, type Sigstore } from '../../harness/sigstore.js';
import { runWithFakes, visibleText } from '../sign/helpers.js';
import { reusableClaims, signAndAttach, subjects } from './helpers.js';

/**
 * The native engine on registries that need credentials (htpasswd Basic, and a Bearer token
 * service): the registry inputs reach the manifest and the bundle blob reads, and the password
 * never shows in the log, the summary or the outputs.
 */
const USER = 'verifier';
const PASSWORD = 'pa55-w0rd-for-verify';

let sigstore: Sigstore;
let layout: Layout;
let dir: string;

beforeAll(async () => {
  sigstore = await startSigstore();
  layout = new Layout();
  layout.image('v1.0.0', { os: 'linux', architecture: 'amd64' }, 'private\n');
  dir = mkdtempSync(path.join(os.tmpdir(), 'verify-auth-'));
}, 60_000);

afterAll(async () => {
  await sigstore?.stop();
  layout?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(['basic', 'token'] as const)('native engine, registry with %s auth', (authMode) => {
  let registry: Registry;

  beforeAll(async () => {
    registry = await startRegistry({ auth: { username: USER, password: PASSWORD }, authMode });
    await layout.push('v1.0.0', registry.host, 'aotanami/private', {
      creds: { username: USER, password: PASSWORD },
    });
    const client = new RegistryClient({
      credentials: { [registry.host]: { username: USER, password: PASSWORD } },
    });
    const resolved = await client.resolve(`${registry.host}/aotanami/private:v1.0.0`);
    await signAndAttach(sigstore, client, subjects(resolved)[0]!, {
      claims: reusableClaims('aotanami/aotanami'),
      kinds: ['signature', 'sbom-spdx'],
    });
  }, 120_000);

  afterAll(async () => {
    await registry?.stop();
  });

  it('verifies with registry-username and registry-password, and never shows the password', async () => {
    const workspace = mkdtempSync(path.join(dir, `workspace-${authMode}-`));
    writeFileSync(path.join(workspace, 'root.json'), JSON.stringify(sigstore.trustedRoot));
    const run = await runWithFakes('verify', {
      workspace,
      inputs: {
        image: `${registry.host}/aotanami/private:v1.0.0`,
        repository: 'aotanami/aotanami',
        checks: 'signature,sbom-spdx',
        engine: 'native',
        'trusted-root': 'root.json',
        'registry-username': USER,
        'registry-password': PASSWORD,
      },
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect((JSON.parse(run.outputs['report'] ?? '{}') as VerifyReport).verdict).toBe('passed');
    expect(run.masks).toContain(PASSWORD);
    expect(visibleText(run)).not.toContain(PASSWORD);
    if (authMode === 'token') {
      expect(
        registry.tokenRequests.some((r) => r.user === USER && r.scope === 'repository:aotanami/private:pull'),
      ).toBe(true);
    }
  }, 60_000);

  it('fails with one line naming the registry when no credentials are given', async () => {
    const workspace = mkdtempSync(path.join(dir, `workspace-${authMode}-none-`));
    writeFileSync(path.join(workspace, 'root.json'), JSON.stringify(sigstore.trustedRoot));
    const run = await runWithFakes('verify', {
      workspace,
      inputs: {
        image: `${registry.host}/aotanami/private:v1.0.0`,
        repository: 'aotanami/aotanami',
        checks: 'signature',
        engine: 'native',
        'trusted-root': 'root.json',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.map((a) => a.message)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^registry ${registry.host.replace(/\./g, '\\.')} requires authentication for aotanami/private`,
        ),
      ),
    ]);
  }, 60_000);
});
