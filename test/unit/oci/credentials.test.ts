import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InputError } from '@release-actions/core';
import {
  dockerConfigPath,
  loadDockerCredentials,
  lookupDockerCredentials,
  parseChallenges,
} from '@release-actions/oci';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'oci-creds-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function configDir(config: unknown): string {
  const dir = mkdtempSync(path.join(scratch, 'cfg-'));
  writeFileSync(path.join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('dockerConfigPath', () => {
  it('honours DOCKER_CONFIG, else ~/.docker/config.json', () => {
    expect(dockerConfigPath({ env: { DOCKER_CONFIG: '/cfg' } })).toBe('/cfg/config.json');
    expect(dockerConfigPath({ env: { DOCKER_CONFIG: '' }, homeDir: '/home/u' })).toBe(
      '/home/u/.docker/config.json',
    );
    expect(dockerConfigPath({ env: {}, homeDir: '/home/u' })).toBe('/home/u/.docker/config.json');
  });
});

describe('loadDockerCredentials', () => {
  it('decodes base64 auth, keeping colons inside the password', () => {
    const dir = configDir({ auths: { 'ghcr.io': { auth: b64('bot:p:a:ss') } } });
    expect(loadDockerCredentials('ghcr.io', { env: { DOCKER_CONFIG: dir } })).toEqual({
      username: 'bot',
      password: 'p:a:ss',
    });
  });

  it('reads username/password entries', () => {
    const dir = configDir({ auths: { 'registry.example:5000': { username: 'u', password: 'pw' } } });
    expect(loadDockerCredentials('registry.example:5000', { env: { DOCKER_CONFIG: dir } })).toEqual({
      username: 'u',
      password: 'pw',
    });
  });

  it('reads ~/.docker/config.json when DOCKER_CONFIG is unset', () => {
    const home = mkdtempSync(path.join(scratch, 'home-'));
    mkdirSync(path.join(home, '.docker'));
    writeFileSync(
      path.join(home, '.docker', 'config.json'),
      JSON.stringify({ auths: { 'quay.io': { auth: b64('q:w') } } }),
    );
    expect(loadDockerCredentials('quay.io', { env: {}, homeDir: home })).toEqual({
      username: 'q',
      password: 'w',
    });
  });

  it('maps Docker Hub keys to docker.io', () => {
    const dir = configDir({ auths: { 'https://index.docker.io/v1/': { auth: b64('hub:tok') } } });
    expect(loadDockerCredentials('docker.io', { env: { DOCKER_CONFIG: dir } })).toEqual({
      username: 'hub',
      password: 'tok',
    });
    expect(loadDockerCredentials('index.docker.io', { env: { DOCKER_CONFIG: dir } })).toEqual({
      username: 'hub',
      password: 'tok',
    });
  });

  it('matches hosts exactly: no credentials for a registry whose name merely contains another', () => {
    const dir = configDir({
      auths: { 'ghcr.io': { auth: b64('a:b') }, 'https://registry.example:5000/v2/': { auth: b64('c:d') } },
    });
    const env = { DOCKER_CONFIG: dir };
    expect(loadDockerCredentials('ghcr.io.evil.example', { env })).toBeUndefined();
    expect(loadDockerCredentials('evilghcr.io', { env })).toBeUndefined();
    expect(loadDockerCredentials('registry.example', { env })).toBeUndefined();
    expect(loadDockerCredentials('registry.example:5001', { env })).toBeUndefined();
    expect(loadDockerCredentials('registry.example:5000', { env })).toEqual({ username: 'c', password: 'd' });
  });

  it('returns nothing when the file does not exist', () => {
    expect(
      lookupDockerCredentials('ghcr.io', { env: { DOCKER_CONFIG: path.join(scratch, 'absent') } }),
    ).toEqual({
      file: path.join(scratch, 'absent', 'config.json'),
    });
  });

  it('names a credential helper instead of running it', () => {
    const global = configDir({ auths: { 'ghcr.io': {} }, credsStore: 'osxkeychain' });
    expect(lookupDockerCredentials('ghcr.io', { env: { DOCKER_CONFIG: global } }).unsupported).toContain(
      'keeps the credentials for ghcr.io in the credential helper "docker-credential-osxkeychain", which is not supported',
    );
    const perRegistry = configDir({ credHelpers: { '123.dkr.ecr.us-east-1.amazonaws.com': 'ecr-login' } });
    const env = { DOCKER_CONFIG: perRegistry };
    expect(lookupDockerCredentials('123.dkr.ecr.us-east-1.amazonaws.com', { env }).unsupported).toContain(
      '"docker-credential-ecr-login"',
    );
    expect(lookupDockerCredentials('ghcr.io', { env }).unsupported).toBeUndefined();
    // An auths entry wins over the helper, as with docker.
    const both = configDir({ auths: { 'ghcr.io': { auth: b64('x:y') } }, credsStore: 'desktop' });
    expect(lookupDockerCredentials('ghcr.io', { env: { DOCKER_CONFIG: both } }).credentials).toEqual({
      username: 'x',
      password: 'y',
    });
  });

  it('says that identity tokens are not supported', () => {
    const dir = configDir({
      auths: { 'myacr.azurecr.io': { auth: '', identitytoken: 'refresh-token-value' } },
    });
    const lookup = lookupDockerCredentials('myacr.azurecr.io', { env: { DOCKER_CONFIG: dir } });
    expect(lookup.credentials).toBeUndefined();
    expect(lookup.unsupported).toContain(
      'holds an identity token for myacr.azurecr.io, which is not supported',
    );
    expect(lookup.unsupported).not.toContain('refresh-token-value');
  });

  it('refuses a corrupt file without quoting its content', () => {
    const dir = configDir('{"auths": {"ghcr.io": {"auth": "c2VjcmV0LXZhbHVl"}}');
    let error: unknown;
    try {
      loadDockerCredentials('ghcr.io', { env: { DOCKER_CONFIG: dir } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(
      `Docker config ${path.join(dir, 'config.json')} is not valid JSON (expected {"auths": {"<registry>": {"auth": "<base64 user:password>"}}})`,
    );
    expect(() => loadDockerCredentials('ghcr.io', { env: { DOCKER_CONFIG: configDir('[1]') } })).toThrow(
      'is not a JSON object',
    );
    expect(() =>
      loadDockerCredentials('ghcr.io', {
        env: { DOCKER_CONFIG: configDir({ auths: { 'ghcr.io': { auth: b64('nocolon') } } }) },
      }),
    ).toThrow('"auths.ghcr.io.auth" is not base64 of "username:password"');
  });
});

describe('parseChallenges', () => {
  it('reads a Bearer challenge whose scope holds commas', () => {
    expect(
      parseChallenges(
        'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.example/token',
          service: 'registry.example',
          scope: 'repository:a/b:pull,push',
        },
      },
    ]);
  });

  it('reads Basic, unquoted values, escapes, spacing and several challenges', () => {
    expect(parseChallenges('Basic realm="basic-realm"')).toEqual([
      { scheme: 'basic', params: { realm: 'basic-realm' } },
    ]);
    expect(parseChallenges('Bearer realm = "a\\"b" , service=svc, Basic realm="x"')).toEqual([
      { scheme: 'bearer', params: { realm: 'a"b', service: 'svc' } },
      { scheme: 'basic', params: { realm: 'x' } },
    ]);
    expect(parseChallenges('')).toEqual([]);
    expect(parseChallenges('Negotiate')).toEqual([{ scheme: 'negotiate', params: {} }]);
  });
});
