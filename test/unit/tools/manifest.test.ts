import { describe, expect, it } from '@jest/globals';
import { InputError } from '@release-actions/core';
import {
  applyMirror,
  fillTemplate,
  manifest,
  normalizeMirror,
  normalizeVersion,
  resolveAsset,
  TOOL_NAMES,
} from '@release-actions/tools';

const PLATFORMS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'];

describe('the committed manifest', () => {
  it('pins all five tools at the expected default versions', () => {
    expect(Object.keys(manifest.tools).sort()).toEqual([...TOOL_NAMES].sort());
    expect(Object.fromEntries(TOOL_NAMES.map((t) => [t, manifest.tools[t]!.default]))).toEqual({
      cosign: 'v3.1.3',
      syft: 'v1.54.1',
      grype: 'v0.120.1',
      'slsa-verifier': 'v2.7.1',
      helm: 'v4.3.0',
    });
  });

  it('keeps the older versions with stronger provenance as allowed versions', () => {
    expect(Object.keys(manifest.tools.cosign!.versions)).toContain('v3.0.6');
    expect(Object.keys(manifest.tools.syft!.versions)).toContain('v1.51.0');
    expect(Object.keys(manifest.tools.grype!.versions)).toContain('v0.116.1');
    expect(Object.keys(manifest.tools.helm!.versions)).toContain('v3.22.0');
    // The grype v0.116.1 sources publish no Windows checksum, so the manifest has none.
    expect(manifest.tools.grype!.versions['v0.116.1']!['win32-x64']).toBeUndefined();
  });

  it('has every default version on every platform, each file and URL matching its template', () => {
    for (const tool of TOOL_NAMES) {
      const entry = manifest.tools[tool]!;
      expect(Object.keys(entry.versions[entry.default]!).sort()).toEqual([...PLATFORMS].sort());
      for (const [version, assets] of Object.entries(entry.versions)) {
        for (const [platform, asset] of Object.entries(assets)) {
          const template = entry.platforms[platform]!;
          expect(asset.file).toBe(fillTemplate(template.file, version));
          expect(asset.url).toBe(fillTemplate(entry.url, version).replace('{file}', asset.file));
          expect(
            asset.url.startsWith('https://github.com/') || asset.url.startsWith('https://get.helm.sh/'),
          ).toBe(true);
          expect(asset.sha256).toMatch(/^[0-9a-f]{64}$/);
        }
      }
    }
  });

  it('carries values exactly as published (spot checks against SOURCES.md evidence)', () => {
    expect(manifest.tools.cosign!.versions['v3.1.3']!['linux-x64']!.sha256).toBe(
      '4629c757b7618056f8ddd7e2625ae9fdd94c0372a65049520bc7d9df9efc7f71',
    );
    expect(manifest.tools.helm!.versions['v4.3.0']!['linux-x64']!.url).toBe(
      'https://get.helm.sh/helm-v4.3.0-linux-amd64.tar.gz',
    );
    expect(manifest.tools['slsa-verifier']!.checksums.kind).toBe('none');
  });
});

describe('resolveAsset', () => {
  it('resolves the pinned asset with how it unpacks', () => {
    const helm = resolveAsset('helm', { platform: 'linux-arm64' });
    expect(helm).toMatchObject({
      version: 'v4.3.0',
      file: 'helm-v4.3.0-linux-arm64.tar.gz',
      format: 'tar.gz',
      member: 'linux-arm64/helm',
      binaryName: 'helm',
      sha256: '31c5794dd55c66a51e6b7d2e2ac7a114ae8b1de41ff1d9ba51748ac973b06a08',
      sha256FromCaller: false,
    });
    expect(resolveAsset('cosign', { platform: 'win32-x64' }).binaryName).toBe('cosign.exe');
    expect(resolveAsset('syft', { platform: 'win32-x64' })).toMatchObject({
      format: 'zip',
      binaryName: 'syft.exe',
    });
  });

  it('accepts a version without its v and an older pinned version', () => {
    expect(resolveAsset('cosign', { version: '3.0.6', platform: 'linux-x64' }).sha256).toBe(
      'c956e5dfcac53d52bcf058360d579472f0c1d2d9b69f55209e256fe7783f4c74',
    );
  });

  it('builds the asset from the templates for an unknown version with an explicit sha256', () => {
    const sha = 'ab'.repeat(32);
    const syft = resolveAsset('syft', {
      version: 'v1.60.0',
      sha256: sha.toUpperCase(),
      platform: 'darwin-arm64',
    });
    expect(syft).toMatchObject({
      file: 'syft_1.60.0_darwin_arm64.tar.gz',
      url: 'https://github.com/anchore/syft/releases/download/v1.60.0/syft_1.60.0_darwin_arm64.tar.gz',
      sha256: sha,
      sha256FromCaller: true,
      differsFromManifest: false,
    });
    expect(resolveAsset('cosign', { sha256: sha, platform: 'linux-x64' }).differsFromManifest).toBe(true);
  });

  it('refuses an unknown tool, an unknown version without sha256, and unsupported platforms', () => {
    expect(() => resolveAsset('kubectl')).toThrow(InputError);
    expect(() => resolveAsset('kubectl')).toThrow(
      /Unknown tool "kubectl"; known tools: cosign, syft, grype, slsa-verifier, helm/,
    );
    expect(() => resolveAsset('cosign', { version: 'v9.9.9', platform: 'linux-x64' })).toThrow(
      /cosign version v9.9.9 is not in the manifest \(known: v3.1.3, v3.0.6\); give its sha256/,
    );
    expect(() => resolveAsset('grype', { version: 'v0.116.1', platform: 'win32-x64' })).toThrow(
      /grype v0.116.1 has no known checksum for platform win32-x64/,
    );
    expect(() => resolveAsset('helm', { platform: 'linux-s390x' })).toThrow(
      /helm is not published for platform linux-s390x; supported: linux-x64/,
    );
    expect(() => resolveAsset('cosign', { version: 'latest' })).toThrow(/not a release version/);
    expect(() => resolveAsset('cosign', { version: 'v1.0.0/../../x', sha256: 'ab'.repeat(32) })).toThrow(
      InputError,
    );
    expect(() => resolveAsset('cosign', { sha256: 'xyz' })).toThrow(/not a SHA-256/);
  });
});

describe('mirror', () => {
  it('replaces github.com and get.helm.sh, keeping the path', () => {
    expect(
      applyMirror(
        'https://github.com/sigstore/cosign/releases/download/v3.1.3/cosign-linux-amd64',
        'https://ghe.example.com/',
      ),
    ).toBe('https://ghe.example.com/sigstore/cosign/releases/download/v3.1.3/cosign-linux-amd64');
    expect(
      applyMirror('https://get.helm.sh/helm-v4.3.0-linux-amd64.tar.gz', 'http://127.0.0.1:8080/helm'),
    ).toBe('http://127.0.0.1:8080/helm/helm-v4.3.0-linux-amd64.tar.gz');
    expect(applyMirror('https://github.com.evil.example/x', 'https://m.example')).toBe(
      'https://github.com.evil.example/x',
    );
    expect(resolveAsset('helm', { mirror: 'https://m.example', platform: 'linux-x64' }).url).toBe(
      'https://m.example/helm-v4.3.0-linux-amd64.tar.gz',
    );
  });

  it('refuses what is not a plain http(s) base URL', () => {
    expect(() => normalizeMirror('ftp://x.example')).toThrow(/must be an http or https URL/);
    expect(() => normalizeMirror('not a url')).toThrow(/is not a URL/);
    expect(() => normalizeMirror('https://x.example/?a=1')).toThrow(/without query or fragment/);
  });

  it('refuses credentials in a mirror without showing the password', () => {
    const refusal = (mirror: string) => {
      try {
        normalizeMirror(mirror);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error(`${mirror} was accepted`);
    };
    expect(refusal('http://user:s3cret-pw@mirror.example/tools')).toBe(
      `Input 'mirror': "http://user:***@mirror.example/tools" holds credentials, which are not accepted; give a mirror that serves the downloads without a login (the URL as a plain base such as https://mirror.example.com).`,
    );
    // A token given as the user name is hidden whole; so is a password in a URL that does not parse.
    expect(refusal('https://tok3n-value@mirror.example')).toContain('"https://***@mirror.example"');
    expect(refusal('http://user:s3cret-pw@[bad')).toBe(
      `Input 'mirror': "http://user:***@[bad" is not a URL; give an http(s) base URL such as https://ghe.example.com.`,
    );
  });

  it('normalizes versions', () => {
    expect(normalizeVersion('helm', '3.22.0')).toBe('v3.22.0');
    expect(normalizeVersion('helm', 'v4.3.0-rc.1')).toBe('v4.3.0-rc.1');
  });
});
