import { describe, expect, it } from '@jest/globals';
import { cliInputNames, describeError } from '@release-actions/core';
import {
  checkFormats,
  checkPlatform,
  checkPrefix,
  fileNameFor,
  parseFormats,
  parsePurl,
  purlIdentity,
  resolveSource,
  scanArguments,
  syftEnvironment,
} from '@release-actions/sbom';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('sources', () => {
  it('gives syft an explicit scheme for images and directories', () => {
    expect(resolveSource({ image: `ghcr.io/o/app@${DIGEST}` })).toEqual({
      kind: 'image',
      value: `ghcr.io/o/app@${DIGEST}`,
      syftArgument: `registry:ghcr.io/o/app@${DIGEST}`,
      digest: DIGEST,
      registry: 'ghcr.io',
    });
    expect(resolveSource({ image: 'localhost:5000/app:1.0', imageSource: 'podman' })).toEqual({
      kind: 'image',
      value: 'localhost:5000/app:1.0',
      syftArgument: 'podman:localhost:5000/app:1.0',
      tag: '1.0',
      registry: 'localhost:5000',
    });
    // Docker Hub: no registry named, so credentials get no authority.
    expect(resolveSource({ image: 'alpine', imageSource: 'auto' })).toEqual({
      kind: 'image',
      value: 'alpine',
      syftArgument: 'alpine',
    });
    expect(resolveSource({ image: `docker.io/library/alpine:3.20@${DIGEST}` })).toEqual({
      kind: 'image',
      value: `docker.io/library/alpine:3.20@${DIGEST}`,
      syftArgument: `registry:docker.io/library/alpine:3.20@${DIGEST}`,
      digest: DIGEST,
    });
    expect(resolveSource({ path: '/w/app' })).toEqual({
      kind: 'path',
      value: '/w/app',
      syftArgument: 'dir:/w/app',
    });
    expect(resolveSource({ file: '/w/image.tar' })).toEqual({
      kind: 'file',
      value: '/w/image.tar',
      syftArgument: '/w/image.tar',
    });
  });

  const ACCEPTED =
    '(accepted: [registry[:port]/]repository[:tag][@sha256:<64 hex>], lowercase repository, e.g. ghcr.io/org/app:1.0 or ghcr.io/org/app@sha256:…)';
  it.each([
    [
      {},
      'No source given: set source (image:<reference>, dir:<path>, file:<path> or a bare image reference).',
    ],
    [
      { image: 'a', file: '/f' },
      "Input 'file': cannot be combined with image; set exactly one of image, path or file.",
    ],
    [
      { image: '-o=json' },
      `Input 'image': invalid image reference "-o=json": repository component "-o=json" must be lowercase letters and digits separated by ".", "_", "__" or "-" ${ACCEPTED}`,
    ],
    [{ image: 'a b' }, `Input 'image': invalid image reference "a b": it contains whitespace ${ACCEPTED}`],
    [
      { image: 'ghcr.io/Org/app' },
      `Input 'image': invalid image reference "ghcr.io/Org/app": repository "Org/app" must be lowercase ${ACCEPTED}`,
    ],
    [
      { image: 'app@sha256:ABC' },
      `Input 'image': invalid image reference "app@sha256:ABC": sha256 digest must have 64 hex characters, got 3 ${ACCEPTED}`,
    ],
  ])('refuses %j', (input, message) => {
    expect(() => resolveSource(input)).toThrow(message);
  });

  it('names the input at fault, which the CLI renders as its flag', () => {
    let error: unknown;
    try {
      resolveSource({ path: '/a', file: '/b' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'INPUT_INVALID', input: 'file' });
    expect(describeError(error, cliInputNames())).toBe(
      '--file: cannot be combined with path; set exactly one of image, path or file.',
    );
  });
});

describe('platforms', () => {
  it.each(['linux/arm64', 'linux/arm/v7', 'arm64', 'windows/amd64'])('accepts %s', (platform) => {
    expect(checkPlatform(platform)).toBe(platform);
  });
  it.each(['-o=json', 'linux/', 'linux arm64', 'a/b/c/d', ''])('refuses %j', (platform) => {
    expect(() => checkPlatform(platform)).toThrow(
      `Input 'platform': "${platform}" is not a platform; use os/arch[/variant], e.g. linux/arm64.`,
    );
  });
});

describe('formats and names', () => {
  it('names files after the prefix', () => {
    expect(fileNameFor('spdx-json', 'sbom')).toBe('sbom-spdx.json');
    expect(fileNameFor('cyclonedx-json', 'helm-sbom')).toBe('helm-sbom-cyclonedx.json');
    expect(fileNameFor('syft-json', 'sbom')).toBe('sbom-syft.json');
  });

  it('accepts formats case-insensitively and refuses unknown or repeated ones', () => {
    expect(parseFormats(['SPDX-JSON', ' cyclonedx-json'])).toEqual(['spdx-json', 'cyclonedx-json']);
    expect(() => parseFormats(['spdx'])).toThrow(
      `Input 'formats': "spdx" is not accepted; use any of spdx-json, cyclonedx-json, syft-json.`,
    );
    expect(() => parseFormats([])).toThrow(`Input 'formats': no format given`);
    expect(() => checkFormats(parseFormats(['spdx-json', 'SPDX-json']))).toThrow(
      `Input 'formats': a format is listed twice in "spdx-json, spdx-json".`,
    );
    expect(() => checkFormats(['spdx-json', 'syft-json'])).not.toThrow();
  });

  it.each(['../x', 'a/b', '.hidden', '', 'a b', 'x'.repeat(101)])('refuses the prefix %j', (prefix) => {
    expect(() => checkPrefix(prefix)).toThrow(`Input 'output-prefix': "${prefix}" is not accepted`);
  });

  it('parses package URLs with the purl library and drops version and qualifiers from identities', () => {
    const purl = parsePurl('pkg:apk/alpine/busybox@1.36.1-r2?arch=x86_64&distro=alpine-3.18.4');
    expect(purl).toEqual({ type: 'apk', namespace: 'alpine', name: 'busybox', version: '1.36.1-r2' });
    expect(purlIdentity(purl!)).toBe('pkg:apk/alpine/busybox');
    expect(purlIdentity(parsePurl('pkg:npm/%40babel/core@7.24.0')!)).toBe('pkg:npm/@babel/core');
    expect(parsePurl('a-purl-1')).toBeUndefined();
    expect(parsePurl('pkg:')).toBeUndefined();
    expect(parsePurl(undefined)).toBeUndefined();
  });
});

describe('syft invocation', () => {
  it('asks for every format in one scan', () => {
    expect(
      scanArguments('registry:app@' + DIGEST, [
        { format: 'spdx-json', file: '/o/a.json' },
        { format: 'cyclonedx-json', file: '/o/b.json' },
      ]),
    ).toEqual([
      'scan',
      `registry:app@${DIGEST}`,
      '-o',
      'spdx-json=/o/a.json',
      '-o',
      'cyclonedx-json=/o/b.json',
    ]);
    expect(
      scanArguments('dir:/w', [{ format: 'syft-json', file: '/o/s.json' }], { platform: 'linux/arm64' }),
    ).toEqual(['scan', 'dir:/w', '-o', 'syft-json=/o/s.json', '--platform=linux/arm64']);
  });

  it('puts credentials in the environment, the update check and colour always off', () => {
    expect(syftEnvironment()).toEqual({ SYFT_CHECK_FOR_APP_UPDATE: 'false', NO_COLOR: '1' });
    expect(syftEnvironment({ authority: 'ghcr.io', username: 'u', password: 'p' })).toEqual({
      SYFT_CHECK_FOR_APP_UPDATE: 'false',
      NO_COLOR: '1',
      SYFT_REGISTRY_AUTH_AUTHORITY: 'ghcr.io',
      SYFT_REGISTRY_AUTH_USERNAME: 'u',
      SYFT_REGISTRY_AUTH_PASSWORD: 'p',
    });
    expect(syftEnvironment({ token: 't' })).toEqual({
      SYFT_CHECK_FOR_APP_UPDATE: 'false',
      NO_COLOR: '1',
      SYFT_REGISTRY_AUTH_TOKEN: 't',
    });
  });
});
