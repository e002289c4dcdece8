import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Layout, UMOCI, sha256, type Descriptor, type Platform } from '../../harness/images.js';
import { requireTool, startRegistry, type Registry } from '../../harness/registry.js';

/**
 * A real multi-platform image for the real-tool tier: an OCI index over linux/amd64 and
 * linux/arm64 images whose layers carry a Debian 12 package database and an npm app, with
 * versions that differ per platform, so that SBOM, scan and attestation tests can check what the
 * real tools found against what is there. Built with umoci in a temporary OCI layout and pushed
 * with skopeo to the loopback registry, as a user's pipeline pushes.
 *
 * The package set is data (EXPECTED_PACKAGES): tests assert against it, and the vulnerability
 * database of the scan tests advises against these very versions.
 */

export type PlatformName = 'linux/amd64' | 'linux/arm64';
export const PLATFORMS: readonly PlatformName[] = ['linux/amd64', 'linux/arm64'];

export interface ExpectedPackage {
  name: string;
  version: string;
  /** The package type syft reports (and the purl type). */
  type: 'deb' | 'npm';
}

interface DebPackage {
  name: string;
  version: string;
  /** The source package when its name differs (Debian omits the field otherwise). */
  source?: string;
  /** `all` for architecture-independent packages, else the platform's. */
  architecture: 'native' | 'all';
  priority: string;
  section: string;
  installedSize: number;
  maintainer: string;
  multiArch: string;
  provides?: string;
  depends: string;
  description: string;
  homepage?: string;
}

interface NpmPackage {
  name: string;
  version: string;
  description: string;
  homepage: string;
  repository: string;
  integrity: string;
}

const OPENSSL = {
  name: 'libssl3',
  source: 'openssl',
  architecture: 'native',
  priority: 'optional',
  section: 'libs',
  installedSize: 6140,
  maintainer: 'Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>',
  multiArch: 'same',
  depends: 'libc6 (>= 2.34)',
  description: [
    'Secure Sockets Layer toolkit - shared libraries',
    " This package is part of the OpenSSL project's implementation of the SSL",
    ' and TLS cryptographic protocols for secure communication over the',
    ' Internet.',
    ' .',
    ' It provides the libssl and libcrypto shared libraries.',
  ].join('\n'),
} as const;

const ZLIB: DebPackage = {
  name: 'zlib1g',
  version: '1:1.2.13.dfsg-1',
  source: 'zlib',
  architecture: 'native',
  priority: 'required',
  section: 'libs',
  installedSize: 168,
  maintainer: 'Mark Brown <broonie@debian.org>',
  multiArch: 'same',
  provides: 'libz1',
  depends: 'libc6 (>= 2.14)',
  description: [
    'compression library - runtime',
    ' zlib is a library implementing the deflate compression method found',
    ' in gzip and PKZIP.  This package includes the shared library.',
  ].join('\n'),
  homepage: 'http://zlib.net/',
};

// tzdata is architecture-independent in Debian (Architecture: all, no Source: it is its own).
const TZDATA: DebPackage = {
  name: 'tzdata',
  version: '2024a-0+deb12u1',
  architecture: 'all',
  priority: 'required',
  section: 'localization',
  installedSize: 3296,
  maintainer: 'GNU Libc Maintainers <debian-glibc@lists.debian.org>',
  multiArch: 'foreign',
  provides: 'tzdata-bookworm',
  depends: 'debconf (>= 0.5) | debconf-2.0',
  description: [
    'time zone and daylight-saving time data',
    ' This package contains data required for the implementation of',
    ' standard local time for many representative locations around the',
    ' globe. It is updated periodically to reflect changes made by',
    ' political bodies to time zone boundaries, UTC offsets, and',
    ' daylight-saving rules.',
  ].join('\n'),
  homepage: 'https://www.iana.org/time-zones',
};

const LODASH = {
  name: 'lodash',
  description: 'Lodash modular utilities.',
  homepage: 'https://lodash.com/',
  repository: 'lodash/lodash',
} as const;

const MINIMIST: NpmPackage = {
  name: 'minimist',
  version: '1.2.8',
  description: 'parse argument options',
  homepage: 'https://github.com/minimistjs/minimist',
  repository: 'git://github.com/minimistjs/minimist.git',
  integrity:
    'sha512-2yyAR8qBkN3YuheJanUpWC5U3bb5osDywNB8RzDVlDwDHbocAJveqqj1u8+SVD7jkWT4yvsHCpWqqWqAxb0zCA==',
};

const CONTENT: Record<PlatformName, { deb: DebPackage[]; npm: NpmPackage[] }> = {
  'linux/amd64': {
    deb: [{ ...OPENSSL, version: '3.0.11-1~deb12u2' }, ZLIB, TZDATA],
    npm: [
      {
        ...LODASH,
        version: '4.17.21',
        integrity:
          'sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg==',
      },
      MINIMIST,
    ],
  },
  'linux/arm64': {
    deb: [{ ...OPENSSL, version: '3.0.9-1' }, ZLIB, TZDATA],
    npm: [
      {
        ...LODASH,
        version: '4.17.20',
        integrity:
          'sha512-PlhdFcillOINfeV7Ni6oF1TAEayyZBoZ8bcshTHqOYJYlrqzRK5hagpagky5o4HfCzzd1TRkXPMFq6cKk9rGmA==',
      },
      MINIMIST,
    ],
  },
};

/** What each platform's layers hold: the packages a cataloguer must find, sorted by type and name. */
export const EXPECTED_PACKAGES: Record<PlatformName, ExpectedPackage[]> = Object.fromEntries(
  PLATFORMS.map((platform) => [
    platform,
    [
      ...CONTENT[platform].deb.map((p) => ({ name: p.name, version: p.version, type: 'deb' as const })),
      ...CONTENT[platform].npm.map((p) => ({ name: p.name, version: p.version, type: 'npm' as const })),
    ],
  ]),
) as Record<PlatformName, ExpectedPackage[]>;

/** Debian 12's /etc/os-release as the distribution ships it (base-files 12.4+deb12u5). */
export const OS_RELEASE = [
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
  'NAME="Debian GNU/Linux"',
  'VERSION_ID="12"',
  'VERSION="12 (bookworm)"',
  'VERSION_CODENAME=bookworm',
  'ID=debian',
  'HOME_URL="https://www.debian.org/"',
  'SUPPORT_URL="https://www.debian.org/support"',
  'BUG_REPORT_URL="https://bugs.debian.org/"',
  '',
].join('\n');

function architecture(platform: PlatformName): string {
  return platform.split('/')[1] as string;
}

export function dpkgStatus(platform: PlatformName): string {
  const stanzas = CONTENT[platform].deb.map((p) =>
    [
      `Package: ${p.name}`,
      'Status: install ok installed',
      `Priority: ${p.priority}`,
      `Section: ${p.section}`,
      `Installed-Size: ${p.installedSize}`,
      `Maintainer: ${p.maintainer}`,
      `Architecture: ${p.architecture === 'all' ? 'all' : architecture(platform)}`,
      `Multi-Arch: ${p.multiArch}`,
      ...(p.source ? [`Source: ${p.source}`] : []),
      `Version: ${p.version}`,
      ...(p.provides ? [`Provides: ${p.provides}`] : []),
      `Depends: ${p.depends}`,
      `Description: ${p.description}`,
      ...(p.homepage ? [`Homepage: ${p.homepage}`] : []),
    ].join('\n'),
  );
  return `${stanzas.join('\n\n')}\n`;
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** The app's files under /app: package.json, package-lock.json and node_modules. */
function appFiles(platform: PlatformName): Record<string, string> {
  const npm = CONTENT[platform].npm;
  const dependencies = Object.fromEntries(npm.map((p) => [p.name, `^${p.version}`]));
  // An unpublished app: private, without name or version (npm names it after its folder in the
  // lockfile). Syft drops a package.json without a name, so only the dependencies are packages.
  const files: Record<string, string> = {
    'app/package.json': json({ private: true, description: 'release-actions test app', dependencies }),
    'app/package-lock.json': json({
      name: 'app',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { dependencies },
        ...Object.fromEntries(
          npm.map((p) => [
            `node_modules/${p.name}`,
            {
              version: p.version,
              resolved: `https://registry.npmjs.org/${p.name}/-/${p.name}-${p.version}.tgz`,
              integrity: p.integrity,
              license: 'MIT',
            },
          ]),
        ),
      },
    }),
  };
  for (const p of npm) {
    files[`app/node_modules/${p.name}/package.json`] = json({
      name: p.name,
      version: p.version,
      description: p.description,
      license: 'MIT',
      homepage: p.homepage,
      repository: { type: 'git', url: p.repository },
      main: 'index.js',
    });
  }
  return files;
}

function writeTree(root: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

function umoci(args: string[]): void {
  requireTool(UMOCI, 'umoci');
  const result = spawnSync(UMOCI, args, { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0)
    throw new Error(`umoci ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr}`);
}

export interface RealPlatformImage {
  platform: PlatformName;
  /** The platform image's manifest digest (from the layout, not from any code under test). */
  digest: string;
  /** `host/repository@digest` of the platform image. */
  reference: string;
  packages: ExpectedPackage[];
}

export interface RealImage {
  registry: Registry;
  repository: string;
  tag: string;
  /** `host/repository@sha256:…` of the index. */
  reference: string;
  /** `host/repository:tag`. */
  tagged: string;
  indexDigest: string;
  images: RealPlatformImage[];
  /** The platform image of `platform`. */
  image(platform: PlatformName): RealPlatformImage;
}

/**
 * Builds the two images (layer 1: os-release and the dpkg database; layer 2: the npm app), an
 * OCI index over them, and pushes it all to `registry` as `repository:tag` (with `creds` when
 * the registry requires them).
 */
export async function pushRealImage(
  registry: Registry,
  repository = 'app',
  tag = 'v1',
  creds?: { username: string; password: string },
): Promise<RealImage> {
  const layout = new Layout();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'real-image-'));
  try {
    const manifests: (Descriptor & { platform: Platform })[] = [];
    for (const name of PLATFORMS) {
      const arch = architecture(name);
      const imageTag = `${tag}-linux-${arch}`;
      const image = `${layout.dir}:${imageTag}`;
      umoci(['new', '--image', image]);
      umoci([
        'config',
        '--image',
        image,
        '--os',
        'linux',
        '--architecture',
        arch,
        '--config.workingdir',
        '/app',
        '--config.env',
        'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        '--config.cmd',
        'bash',
      ]);
      const base = path.join(scratch, `${arch}-base`);
      writeTree(base, { 'etc/os-release': OS_RELEASE, 'var/lib/dpkg/status': dpkgStatus(name) });
      umoci(['insert', '--rootless', '--image', image, base, '/']);
      const app = path.join(scratch, `${arch}-app`);
      writeTree(app, appFiles(name));
      umoci(['insert', '--rootless', '--image', image, app, '/']);
      manifests.push({ ...layout.descriptor(imageTag), platform: { os: 'linux', architecture: arch } });
    }
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests,
    });
    const index: Descriptor = {
      mediaType: 'application/vnd.oci.image.index.v1+json',
      digest: layout.blob(body),
      size: Buffer.byteLength(body),
    };
    if (index.digest !== sha256(body)) throw new Error('index blob digest mismatch');
    layout.tag(tag, index);
    await layout.push(tag, registry.host, repository, creds === undefined ? {} : { creds });

    const images = manifests.map((m, i) => {
      const platform = PLATFORMS[i] as PlatformName;
      return {
        platform,
        digest: m.digest,
        reference: `${registry.host}/${repository}@${m.digest}`,
        packages: EXPECTED_PACKAGES[platform],
      };
    });
    return {
      registry,
      repository,
      tag,
      reference: `${registry.host}/${repository}@${index.digest}`,
      tagged: `${registry.host}/${repository}:${tag}`,
      indexDigest: index.digest,
      images,
      image: (platform) => {
        const found = images.find((i) => i.platform === platform);
        if (found === undefined) throw new Error(`no image for ${platform}`);
        return found;
      },
    };
  } finally {
    layout.remove();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A loopback registry holding the real image; `stop()` stops the registry and removes its data. */
export async function startRealImage(
  repository = 'app',
  tag = 'v1',
): Promise<RealImage & { stop(): Promise<void> }> {
  const registry = await startRegistry();
  try {
    const image = await pushRealImage(registry, repository, tag);
    return { ...image, stop: () => registry.stop() };
  } catch (error) {
    await registry.stop();
    throw error;
  }
}
