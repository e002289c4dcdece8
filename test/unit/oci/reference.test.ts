import { describe, expect, it } from '@jest/globals';
import { InputError } from '@release-actions/core';
import {
  canonicalReference,
  canonicalRegistry,
  checkDigest,
  formatReference,
  parseReference,
  referrersTag,
  registryApiHost,
  sameRegistry,
} from '@release-actions/oci';

const SHA256 = `sha256:${'a1'.repeat(32)}`;
const SHA512 = `sha512:${'b2'.repeat(64)}`;

describe('parseReference', () => {
  it.each([
    ['ubuntu', { registry: 'docker.io', repository: 'library/ubuntu' }],
    ['ubuntu:24.04', { registry: 'docker.io', repository: 'library/ubuntu', tag: '24.04' }],
    ['docker.io/ubuntu', { registry: 'docker.io', repository: 'library/ubuntu' }],
    ['index.docker.io/ubuntu', { registry: 'docker.io', repository: 'library/ubuntu' }],
    [
      'docker.io/library/ubuntu:latest',
      { registry: 'docker.io', repository: 'library/ubuntu', tag: 'latest' },
    ],
    ['bitnami/redis:7', { registry: 'docker.io', repository: 'bitnami/redis', tag: '7' }],
    ['ghcr.io/aotanami/app:1.2.3', { registry: 'ghcr.io', repository: 'aotanami/app', tag: '1.2.3' }],
    ['ghcr.io/app', { registry: 'ghcr.io', repository: 'app' }],
    ['localhost/a', { registry: 'localhost', repository: 'a' }],
    ['localhost:5000/a', { registry: 'localhost:5000', repository: 'a' }],
    ['localhost:5000/a:5000', { registry: 'localhost:5000', repository: 'a', tag: '5000' }],
    ['127.0.0.1:41234/team/app:v1', { registry: '127.0.0.1:41234', repository: 'team/app', tag: 'v1' }],
    ['[::1]:5000/a/b', { registry: '[::1]:5000', repository: 'a/b' }],
    ['Registry.Example.COM/a', { registry: 'Registry.Example.COM', repository: 'a' }],
    [
      `example.com/a/b:tag@${SHA256}`,
      { registry: 'example.com', repository: 'a/b', tag: 'tag', digest: SHA256 },
    ],
    [`example.com/a/b@${SHA256}`, { registry: 'example.com', repository: 'a/b', digest: SHA256 }],
    [`alpine@${SHA512}`, { registry: 'docker.io', repository: 'library/alpine', digest: SHA512 }],
    [
      'a.b-c.d/e--f.g_h/i__j:Tag_1.x-y',
      { registry: 'a.b-c.d', repository: 'e--f.g_h/i__j', tag: 'Tag_1.x-y' },
    ],
    // A first component without "." or ":" that is not localhost is a Docker Hub namespace.
    ['myregistry/app', { registry: 'docker.io', repository: 'myregistry/app' }],
    // … unless it has capitals, which a repository cannot: then it is a host.
    ['MyHost/app', { registry: 'MyHost', repository: 'app' }],
    // Without a slash, a port-looking suffix is a tag (as Docker reads it).
    ['localhost:5000', { registry: 'docker.io', repository: 'library/localhost', tag: '5000' }],
  ])('%s', (input, expected) => {
    expect(parseReference(input)).toEqual(expected);
  });

  it.each([
    ['', 'it is empty'],
    ['   ', 'it is empty'],
    ['ghcr.io/a b', 'it contains whitespace'],
    // Around the name too: sign and verify would otherwise check one value and be handed another.
    [' ghcr.io/a/b:1', 'it contains whitespace'],
    ['localhost:99999/app:1', 'registry port 99999 is not between 1 and 65535'],
    ['localhost:0/app:1', 'registry port 0 is not between 1 and 65535'],
    ['ghcr.io/Org/App', 'repository "Org/App" must be lowercase'],
    ['docker.io/Ubuntu', 'repository "Ubuntu" must be lowercase'],
    ['ghcr.io/a//b', 'repository component "" must be'],
    ['ghcr.io/-a', 'repository component "-a" must be'],
    ['ghcr.io/a_', 'repository component "a_" must be'],
    ['ghcr.io/a___b', 'repository component "a___b" must be'],
    ['ghcr.io/a/', 'repository component "" must be'],
    ['ghcr.io/', 'the repository name is missing'],
    [':tag', 'the repository name is missing'],
    ['ghcr.io/a:', 'tag "" must match'],
    ['ghcr.io/a:-x', 'tag "-x" must match'],
    [`ghcr.io/a:${'t'.repeat(129)}`, `tag "${'t'.repeat(129)}" must match`],
    ['ghcr.io/a:t@g', 'digest "g" is not <algorithm>:<hex>'],
    ['ghcr.io/a@sha256:abc', 'sha256 digest must have 64 hex characters, got 3'],
    [`ghcr.io/a@sha256:${'a'.repeat(65)}`, 'sha256 digest must have 64 hex characters, got 65'],
    [`ghcr.io/a@sha512:${'a'.repeat(64)}`, 'sha512 digest must have 128 hex characters, got 64'],
    [`ghcr.io/a@sha256:${'A'.repeat(64)}`, 'digest hex must be lowercase'],
    [`ghcr.io/a@md5:${'a'.repeat(32)}`, 'digest algorithm "md5" is not supported'],
    [`ghcr.io/a@sha256:${'g'.repeat(64)}`, `digest "sha256:${'g'.repeat(64)}" is not <algorithm>:<hex>`],
    ['a_b.example/x', 'registry "a_b.example" is not a valid host[:port]'],
    ['ghcr.io/a@', 'digest "" is not <algorithm>:<hex>'],
    ['a'.repeat(64), 'a bare 64-hex image ID is not a reference'],
    ['-bad.host/a', 'registry "-bad.host" is not a valid host[:port]'],
    ['host.example:port/a', 'registry "host.example:port" is not a valid host[:port]'],
    [`ghcr.io/${'a'.repeat(250)}`, 'the name is 258 characters long, the limit is 255'],
    ['ghcr.io/a;rm -rf', 'it contains whitespace'],
    ['ghcr.io/a$(id)', 'repository component "a$(id)" must be'],
  ])('refuses %j: %s', (input, problem) => {
    let error: unknown;
    try {
      parseReference(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).toContain(`invalid image reference "${input}": ${problem}`);
    expect(message).toContain('accepted: [registry[:port]/]repository[:tag][@sha256:<64 hex>]');
    expect(message).not.toContain('\n');
  });

  it('accepts a name of exactly 255 characters', () => {
    const repository = 'a'.repeat(255 - 'ghcr.io/'.length);
    expect(parseReference(`ghcr.io/${repository}`).repository).toBe(repository);
  });
});

describe('formatReference and canonicalReference', () => {
  it('writes fully qualified references', () => {
    expect(formatReference(parseReference('ubuntu'))).toBe('docker.io/library/ubuntu');
    expect(formatReference(parseReference('docker.io/ubuntu:24.04'))).toBe('docker.io/library/ubuntu:24.04');
    expect(formatReference(parseReference(`example.com/a/b:tag@${SHA256}`))).toBe(
      `example.com/a/b:tag@${SHA256}`,
    );
  });

  it('drops the tag of the canonical form, which is what gets signed', () => {
    expect(canonicalReference(parseReference(`example.com/a/b:tag@${SHA256}`))).toBe(
      `example.com/a/b@${SHA256}`,
    );
    expect(canonicalReference(parseReference('localhost:5000/a:1'), SHA256)).toBe(
      `localhost:5000/a@${SHA256}`,
    );
  });

  it('refuses a canonical form without a digest', () => {
    expect(() => canonicalReference(parseReference('ghcr.io/a:1'))).toThrow(
      'image reference "ghcr.io/a:1" has no digest; resolve it first',
    );
    expect(() => canonicalReference(parseReference('ghcr.io/a:1'), 'sha256:12')).toThrow(InputError);
  });
});

describe('digests and registries', () => {
  it('checks digests', () => {
    expect(checkDigest(SHA256)).toBe(SHA256);
    expect(checkDigest(`sha384:${'c'.repeat(96)}`)).toBe(`sha384:${'c'.repeat(96)}`);
    expect(() => checkDigest('sha256:')).toThrow('invalid digest "sha256:"');
  });

  it('names the referrers fallback tag after the digest', () => {
    expect(referrersTag(SHA256)).toBe(`sha256-${'a1'.repeat(32)}`);
    expect(() => referrersTag('latest')).toThrow(InputError);
  });

  it('folds Docker Hub aliases and Docker config keys', () => {
    expect(canonicalRegistry('https://index.docker.io/v1/')).toBe('docker.io');
    expect(canonicalRegistry('registry-1.docker.io')).toBe('docker.io');
    expect(canonicalRegistry('http://127.0.0.1:5000/v2/')).toBe('127.0.0.1:5000');
    expect(canonicalRegistry('GHCR.io')).toBe('ghcr.io');
    expect(sameRegistry('docker.io', 'index.docker.io')).toBe(true);
    expect(sameRegistry('ghcr.io', 'ghcr.io.evil.example')).toBe(false);
    expect(sameRegistry('127.0.0.1:5000', '127.0.0.1:5001')).toBe(false);
    expect(registryApiHost('docker.io')).toBe('registry-1.docker.io');
    expect(registryApiHost('ghcr.io')).toBe('ghcr.io');
  });
});
