import { afterAll, describe, expect, it } from '@jest/globals';
import { InputError } from '@release-actions/core';
import type { Logger } from '@release-actions/core';
import { withSigningSession } from '@release-actions/cosign';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** withSigningSession: the key file and the Docker config live for the body only. */
const scratch = mkdtempSync(path.join(os.tmpdir(), 'signing-session-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const logger: Logger = { debug: () => {}, info: () => {}, notice: () => {}, warning: () => {} };
const PEM = [
  '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----',
  'eyJrZGYiOnsibmFtZSI6InNjcnlwdCJ9LCJjaXBoZXIiOnsibmFtZSI6Im5hY2wvc2VjcmV0Ym94In19',
  '-----END ENCRYPTED SIGSTORE PRIVATE KEY-----',
].join('\n');

function options(tempRoot: string, mask?: (secret: string) => void) {
  return {
    references: ['127.0.0.1:5000/team/app:1.0'],
    input: 'images',
    key: PEM,
    keyPassword: 'key-pw',
    registryUsername: 'bot',
    registryPassword: 'registry-pw',
    tempRoot,
    logger,
    env: { DOCKER_CONFIG: path.join(scratch, 'no-config') },
    ...(mask ? { mask } : {}),
  };
}

describe('withSigningSession', () => {
  it('removes the key file and the Docker config when the body throws', async () => {
    const root = mkdtempSync(path.join(scratch, 'root-'));
    const masked: string[] = [];
    const failure = new Error('cosign failed');
    let files: string[] = [];
    await expect(
      withSigningSession(
        options(root, (s) => masked.push(s)),
        async (setup) => {
          files = [setup.key?.keyArgument ?? '', path.join(setup.dockerConfigDirectory ?? '', 'config.json')];
          expect(files.every((file) => existsSync(file))).toBe(true);
          expect(setup.bundleDirectory).toBe(path.join(root, 'sigstore-bundles'));
          throw failure;
        },
      ),
    ).rejects.toBe(failure);
    expect(files.some((file) => existsSync(file))).toBe(false);
    expect(readdirSync(root)).toEqual([]);
    // The login and the key were masked before the body could print them.
    expect(masked).toEqual(expect.arrayContaining(['registry-pw', 'key-pw', PEM]));
  });

  it('refuses a bad key before the body runs, leaving nothing behind', async () => {
    const root = mkdtempSync(path.join(scratch, 'root-'));
    let ran = false;
    const error = await withSigningSession({ ...options(root), key: 'not-a-key' }, async () => {
      ran = true;
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe('KEY_INVALID');
    expect((error as InputError).message).toMatch(/^Input 'key': give a KMS URI/);
    expect(ran).toBe(false);
    expect(readdirSync(root)).toEqual([]);
  });

  it('names the trust file input, with its code, before anything is written', async () => {
    const root = mkdtempSync(path.join(scratch, 'root-'));
    const error = (await withSigningSession(
      { ...options(root), signingConfig: path.join(scratch, 'missing.json') },
      async () => undefined,
    ).catch((e: unknown) => e)) as InputError;
    expect(error.input).toBe('signing-config');
    expect(error.code).toBe('TRUST_FILE_INVALID');
    expect(error.detail).toBe(
      `"${path.join(scratch, 'missing.json')}" does not exist; give a Sigstore signing config: a regular file of at most 4 MiB.`,
    );
    expect(readdirSync(root)).toEqual([]);
  });
});
