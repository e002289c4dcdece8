import { afterAll, describe, expect, it } from '@jest/globals';
import { InputError } from '@release-actions/core';
import type { Logger } from '@release-actions/core';
import { withRegistrySession, type RegistrySession } from '@release-actions/oci';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** withRegistrySession: the login's Docker config exists for the body only, whatever the body does. */
const scratch = mkdtempSync(path.join(os.tmpdir(), 'oci-session-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const logger: Logger = { debug: () => {}, info: () => {}, notice: () => {}, warning: () => {} };

function options(tempRoot: string) {
  return {
    references: ['127.0.0.1:5000/team/app:1.0'],
    input: 'images',
    registryUsername: 'bot',
    registryPassword: 's3cret-pw',
    tempRoot,
    logger,
    env: { DOCKER_CONFIG: path.join(scratch, 'no-config') },
  };
}

const freshRoot = (): string => mkdtempSync(path.join(scratch, 'root-'));

describe('withRegistrySession', () => {
  it('writes the login to a private Docker config for the body and removes it afterwards', async () => {
    const root = freshRoot();
    const masked: string[] = [];
    let seen: RegistrySession | undefined;
    const result = await withRegistrySession(
      { ...options(root), mask: (s) => masked.push(s) },
      async (session) => {
        seen = session;
        const config = JSON.parse(readFileSync(session.dockerConfig?.file ?? '', 'utf8'));
        expect(config.auths['127.0.0.1:5000']).toEqual({
          auth: Buffer.from('bot:s3cret-pw').toString('base64'),
        });
        return 'done';
      },
    );
    expect(result).toBe('done');
    expect(masked).toEqual(['s3cret-pw', Buffer.from('bot:s3cret-pw').toString('base64')]);
    expect(seen?.secrets).toEqual(masked);
    expect(existsSync(seen?.dockerConfig?.directory ?? '')).toBe(false);
    expect(readdirSync(root)).toEqual([]);
  });

  it('removes the Docker config when the body throws, and passes the error on', async () => {
    const root = freshRoot();
    const failure = new Error('the body failed');
    await expect(
      withRegistrySession(options(root), async (session) => {
        expect(existsSync(session.dockerConfig?.directory ?? '')).toBe(true);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(readdirSync(root)).toEqual([]);
  });

  it('keeps the Docker config it hands on to later steps', async () => {
    const root = freshRoot();
    const exported: string[] = [];
    await withRegistrySession(
      { ...options(root), exportDockerConfig: (dir) => exported.push(dir) },
      async () => {
        throw new Error('failed after the export');
      },
    ).catch(() => undefined);
    expect(exported).toHaveLength(1);
    expect(existsSync(path.join(exported[0] ?? '', 'config.json'))).toBe(true);
  });

  it('writes nothing without a login, and refuses half of one before the body runs', async () => {
    const root = freshRoot();
    await withRegistrySession(
      { ...options(root), registryUsername: undefined, registryPassword: undefined },
      async (session) => {
        expect(session.dockerConfig).toBeUndefined();
        expect(session.secrets).toEqual([]);
      },
    );
    expect(readdirSync(root)).toEqual([]);
    let ran = false;
    await expect(
      withRegistrySession({ ...options(root), registryPassword: undefined }, async () => {
        ran = true;
      }),
    ).rejects.toThrow(InputError);
    expect(ran).toBe(false);
  });

  it('gives a registry location’s host the login (the chart step)', async () => {
    const { references: _images, ...login } = options(freshRoot());
    await withRegistrySession(
      { ...login, location: '127.0.0.1:5001/charts', input: 'registry' },
      async (session) => {
        const config = JSON.parse(readFileSync(session.dockerConfig?.file ?? '', 'utf8'));
        expect(Object.keys(config.auths)).toEqual(['127.0.0.1:5001']);
      },
    );
  });
});
