import { InputError, REDACTED } from '@release-actions/core';
import type { ToolsErrorCode } from './errors.js';
import pinned from '../manifest.json' with { type: 'json' };

/**
 * The pinned tools: for each tool, its default version, how its release assets are named per
 * platform (templates, so that a version override with an explicit sha256 can be installed), and
 * per known version the exact file, URL and SHA-256 copied from a published source (SOURCES.md).
 */

export type ToolName = 'cosign' | 'syft' | 'grype' | 'slsa-verifier' | 'helm';
export const TOOL_NAMES: readonly ToolName[] = ['cosign', 'syft', 'grype', 'slsa-verifier', 'helm'];

/** `${process.platform}-${process.arch}`, e.g. linux-x64. */
export type PlatformKey = string;

/** How a downloaded asset unpacks: a bare executable, or an archive holding it at `binary`. */
export type AssetFormat = 'binary' | 'tar.gz' | 'zip';

export interface PlatformTemplate {
  /** Asset file name; `{version}` is the release tag, `{semver}` the tag without its `v`. */
  file: string;
  format: AssetFormat;
  /** Path of the executable inside the archive (archives only). */
  binary?: string;
}

export interface PinnedAsset {
  file: string;
  url: string;
  sha256: string;
}

/** Where a release's own checksums come from, for `npm run tools:update`. */
export type ChecksumsSource =
  { kind: 'file'; file: string } | { kind: 'per-file'; suffix: string } | { kind: 'none'; note: string };

export interface ToolEntry {
  repository: string;
  default: string;
  /** Download URL template; `{file}` is the asset name. */
  url: string;
  checksums: ChecksumsSource;
  platforms: Record<PlatformKey, PlatformTemplate>;
  versions: Record<string, Record<PlatformKey, PinnedAsset>>;
}

export interface Manifest {
  tools: Record<string, ToolEntry>;
}

export const manifest: Manifest = pinned as Manifest;

export function hostPlatform(): PlatformKey {
  return `${process.platform}-${process.arch}`;
}

export function fillTemplate(template: string, version: string): string {
  return template.replaceAll('{version}', version).replaceAll('{semver}', version.replace(/^v/, ''));
}

const VERSION = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const SHA256 = /^[0-9a-fA-F]{64}$/;

/** Release tags of all five tools start with `v`; `3.1.3` and `v3.1.3` mean the same. */
export function normalizeVersion(tool: string, version: string): string {
  const trimmed = version.trim();
  if (!VERSION.test(trimmed)) {
    throw new InputError(`${tool} version "${version}" is not a release version; use the form v1.2.3.`);
  }
  return trimmed.startsWith('v') ? trimmed : `v${trimmed}`;
}

export function normalizeSha256(tool: string, sha256: string): string {
  const trimmed = sha256.trim();
  if (!SHA256.test(trimmed)) {
    throw new InputError(`${tool} sha256 "${sha256}" is not a SHA-256; give 64 hexadecimal characters.`);
  }
  return trimmed.toLowerCase();
}

/** A mirror replaces these hosts (GitHub Enterprise, an internal artifact proxy, air-gapped runners). */
const MIRRORED_HOSTS = ['https://github.com', 'https://get.helm.sh'];

/**
 * A URL as it may be shown in a message: the password of its user information replaced by ***
 * (the whole of it when there is no password, as a token given as the user name would be).
 */
export function withoutCredentials(text: string): string {
  return text.replace(/^(\s*[a-z][a-z0-9+.-]*:\/\/)([^/?#@]*)@/i, (_, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return `${scheme}${colon === -1 ? REDACTED : `${userinfo.slice(0, colon)}:${REDACTED}`}@`;
  });
}

export function normalizeMirror(mirror: string): string {
  const shown = withoutCredentials(mirror);
  const input = { input: 'mirror' };
  let url: URL;
  try {
    url = new URL(mirror.trim());
  } catch {
    throw new InputError(
      `"${shown}" is not a URL; give an http(s) base URL such as https://ghe.example.com.`,
      input,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`"${shown}" must be an http or https URL.`, input);
  }
  // The downloader sends no credentials, and a URL that holds them would be printed with every download.
  if (url.username || url.password) {
    throw new InputError(
      `"${shown}" holds credentials, which are not accepted; give a mirror that serves the downloads without a login (the URL as a plain base such as https://mirror.example.com).`,
      input,
    );
  }
  if (url.search || url.hash) {
    throw new InputError(`"${shown}" must be a plain base URL without query or fragment.`, input);
  }
  return url.href.replace(/\/+$/, '');
}

export function applyMirror(url: string, mirror: string | undefined): string {
  if (mirror === undefined || mirror === '') return url;
  const base = normalizeMirror(mirror);
  for (const host of MIRRORED_HOSTS) {
    if (url === host || url.startsWith(`${host}/`)) return base + url.slice(host.length);
  }
  return url;
}

/** Everything needed to install one tool on one platform. */
export interface ResolvedAsset {
  tool: string;
  version: string;
  platform: PlatformKey;
  file: string;
  /** Download URL, mirror applied. */
  url: string;
  sha256: string;
  format: AssetFormat;
  /** Path of the executable inside an archive, or undefined for a bare binary. */
  member?: string;
  /** File name of the installed executable. */
  binaryName: string;
  /** The sha256 came from the caller, not from the manifest. */
  sha256FromCaller: boolean;
  /** The manifest pins a different sha256 for this version and platform than the caller gave. */
  differsFromManifest: boolean;
}

export interface ResolveOptions {
  version?: string;
  sha256?: string;
  mirror?: string;
  platform?: PlatformKey;
  manifest?: Manifest;
}

function binaryName(tool: string, platform: PlatformKey, template: PlatformTemplate): string {
  if (template.binary !== undefined) return template.binary.split('/').pop() ?? tool;
  return platform.startsWith('win32-') ? `${tool}.exe` : tool;
}

const UNKNOWN = { code: 'TOOL_UNKNOWN' } as const;

export function resolveAsset(tool: string, options: ResolveOptions = {}): ResolvedAsset {
  const source = options.manifest ?? manifest;
  const entry = Object.hasOwn(source.tools, tool) ? source.tools[tool] : undefined;
  if (entry === undefined) {
    throw new InputError<ToolsErrorCode>(
      `Unknown tool "${tool}"; known tools: ${Object.keys(source.tools).join(', ')}.`,
      UNKNOWN,
    );
  }
  const version = normalizeVersion(tool, options.version ?? entry.default);
  const platform = options.platform ?? hostPlatform();
  const template = entry.platforms[platform];
  if (template === undefined) {
    throw new InputError<ToolsErrorCode>(
      `${tool} is not published for platform ${platform}; supported: ${Object.keys(entry.platforms).join(', ')}.`,
      UNKNOWN,
    );
  }
  const known = entry.versions[version];
  const pinnedAsset = known?.[platform];
  const sha256 = options.sha256 === undefined ? undefined : normalizeSha256(tool, options.sha256);
  if (sha256 === undefined && pinnedAsset === undefined) {
    if (known !== undefined) {
      throw new InputError<ToolsErrorCode>(
        `${tool} ${version} has no known checksum for platform ${platform} (known: ${Object.keys(known).join(', ')}); give its sha256 from the release to install it.`,
        UNKNOWN,
      );
    }
    throw new InputError<ToolsErrorCode>(
      `${tool} version ${version} is not in the manifest (known: ${Object.keys(entry.versions).join(', ')}); give its sha256 too to install it.`,
      UNKNOWN,
    );
  }
  const file = pinnedAsset?.file ?? fillTemplate(template.file, version);
  const url = pinnedAsset?.url ?? fillTemplate(entry.url, version).replace('{file}', file);
  return {
    tool,
    version,
    platform,
    file,
    url: applyMirror(url, options.mirror),
    sha256: sha256 ?? pinnedAsset!.sha256,
    format: template.format,
    member: template.binary,
    binaryName: binaryName(tool, platform, template),
    sha256FromCaller: sha256 !== undefined,
    differsFromManifest: sha256 !== undefined && pinnedAsset !== undefined && pinnedAsset.sha256 !== sha256,
  };
}
