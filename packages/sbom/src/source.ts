import { InputError } from '@release-actions/core';
import { DEFAULT_REGISTRY, parseReference, type ImageReference } from '@release-actions/oci/reference';
import { sourceSyntax } from './source-syntax.js';

/** Where syft pulls an image from: the registry (default), a local daemon, or syft's own choice. */
export const IMAGE_SOURCES = ['registry', 'docker', 'podman', 'auto'] as const;
export type ImageSource = (typeof IMAGE_SOURCES)[number];

export interface SourceInput {
  image?: string;
  /** A directory, already resolved to an absolute path. */
  path?: string;
  /** An image archive (docker save, OCI tar) or any single file, already resolved to an absolute path. */
  file?: string;
  imageSource?: ImageSource;
}

export interface ScanSource {
  kind: 'image' | 'path' | 'file';
  /** What the user gave (the reference or the path). */
  value: string;
  /** The argument syft receives, with an explicit scheme so it never guesses. */
  syftArgument: string;
  /** `sha256:<hex>` when the image was given by digest. */
  digest?: string;
  /** The tag when the image was given by tag only. */
  tag?: string;
  /** The registry host named in the reference, if any (for registry credentials). */
  registry?: string;
}

/** The reference checked by the distribution grammar. */
function parseImage(reference: string): Pick<ScanSource, 'digest' | 'tag' | 'registry'> {
  const parsed: ImageReference = parseReference(reference, 'image');
  return {
    ...(parsed.digest ? { digest: parsed.digest } : {}),
    ...(parsed.tag !== undefined && !parsed.digest ? { tag: parsed.tag } : {}),
    // Docker Hub answers under several names; credentials without an authority reach it whichever syft uses.
    ...(parsed.registry !== DEFAULT_REGISTRY ? { registry: parsed.registry } : {}),
  };
}

const SCHEME: Record<ImageSource, string> = {
  registry: 'registry:',
  docker: 'docker:',
  podman: 'podman:',
  auto: '',
};

const SOURCE_INPUTS = ['image', 'path', 'file'] as const;

/** Exactly one of image, path and file. */
export function resolveSource(input: SourceInput): ScanSource {
  const given = SOURCE_INPUTS.filter((k) => input[k] !== undefined && input[k] !== '');
  const list = 'set exactly one of image, path or file.';
  if (given.length === 0) throw new InputError(`No source given: set source (${sourceSyntax('sbom')}).`);
  if (given.length > 1) {
    throw new InputError(`cannot be combined with ${given[0]}; ${list}`, { input: given[1] });
  }
  const kind = given[0] as 'image' | 'path' | 'file';
  const value = input[kind] as string;
  if (kind === 'path') return { kind, value, syftArgument: `dir:${value}` };
  if (kind === 'file') {
    // No scheme: syft recognises a docker-save or OCI archive (or a SIF image) by its content, and
    // catalogs any other file as a single file. The path is absolute, so it never reads as an image name.
    return { kind, value, syftArgument: value };
  }
  const parsed = parseImage(value);
  return { kind, value, syftArgument: `${SCHEME[input.imageSource ?? 'registry']}${value}`, ...parsed };
}

/** How the source reads in logs and summaries. */
export function describeSource(source: ScanSource): string {
  return source.kind === 'image'
    ? `image ${source.value}`
    : `${source.kind === 'path' ? 'directory' : 'file'} ${source.value}`;
}

/** `os/arch[/variant]` or `arch`, as syft's --platform takes it (e.g. linux/arm64/v8, arm64). */
export function checkPlatform(platform: string): string {
  if (!/^[a-z0-9]+(?:\/[a-z0-9_.-]+){0,2}$/i.test(platform)) {
    throw new InputError(`"${platform}" is not a platform; use os/arch[/variant], e.g. linux/arm64.`, {
      input: 'platform',
    });
  }
  return platform;
}
