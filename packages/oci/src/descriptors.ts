import { OperationalError } from '@release-actions/core';
import { createHash } from 'node:crypto';
import type { OciErrorCode } from './errors.js';
import { OCI_MANIFEST } from './media-types.js';
import { checkDigest } from './reference.js';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface PlatformManifest extends Descriptor {
  platform: Platform;
}

export interface Manifest extends Descriptor {
  /** The exact bytes, whose hash is `digest`. */
  bytes: Buffer;
  json: Record<string, unknown>;
}

export interface Resolved {
  /** `registry/repository@digest`. */
  reference: string;
  registry: string;
  repository: string;
  /** The tag the digest was resolved from, if the reference had one. */
  tag?: string;
  digest: string;
  mediaType: string;
  size: number;
  /** For an index: its platform manifests (attestation manifests left out). */
  platforms?: PlatformManifest[];
}

export type Referrer = Descriptor;

export function digestOf(bytes: Buffer, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

function invalid(message: string): OperationalError<OciErrorCode> {
  return new OperationalError<OciErrorCode>(message, { code: 'CONTENT_INVALID' });
}

export function parseJson(bytes: Buffer, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalid(`${what} is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid(`${what} is not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/** A manifest's own mediaType field is authoritative; the header may be generic (application/json). */
export function mediaTypeOf(headers: Headers, json: Record<string, unknown> | undefined): string {
  const fromBody = typeof json?.['mediaType'] === 'string' ? json['mediaType'] : undefined;
  const fromHeader = headers.get('content-type')?.split(';')[0]?.trim();
  return fromBody ?? fromHeader ?? OCI_MANIFEST;
}

/** The entries of an index's `manifests` list, as they are. */
export function indexEntries(json: Record<string, unknown>, what: string): Record<string, unknown>[] {
  const manifests = json['manifests'];
  if (!Array.isArray(manifests)) throw invalid(`${what} has no "manifests" list`);
  return manifests.filter((m): m is Record<string, unknown> => typeof m === 'object' && m !== null);
}

export function toDescriptor(entry: Record<string, unknown>, what: string): Descriptor {
  const { mediaType, digest, size, artifactType, annotations } = entry;
  if (typeof digest !== 'string' || typeof mediaType !== 'string' || typeof size !== 'number') {
    throw invalid(`${what} has an entry without mediaType, digest and size`);
  }
  checkDigest(digest);
  const descriptor: Descriptor = { mediaType, digest, size };
  if (typeof artifactType === 'string') descriptor.artifactType = artifactType;
  if (typeof annotations === 'object' && annotations !== null) {
    descriptor.annotations = annotations as Record<string, string>;
  }
  return descriptor;
}

/** An index's entries as descriptors. */
export function descriptorsOf(json: Record<string, unknown>, what: string): Descriptor[] {
  return indexEntries(json, what).map((entry) => toDescriptor(entry, what));
}

/** Platform manifests of an index; BuildKit's attestation manifests (platform unknown/unknown) are not platforms. */
export function platformsOf(index: Record<string, unknown>, what = 'index'): PlatformManifest[] {
  const out: PlatformManifest[] = [];
  for (const entry of indexEntries(index, what)) {
    const platform = entry['platform'] as Record<string, unknown> | undefined;
    const annotations = entry['annotations'] as Record<string, unknown> | undefined;
    if (annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') continue;
    if (typeof platform?.['os'] !== 'string' || typeof platform['architecture'] !== 'string') continue;
    if (platform['os'] === 'unknown') continue;
    const descriptor = toDescriptor(entry, what);
    const p: Platform = { os: platform['os'], architecture: platform['architecture'] };
    if (typeof platform['variant'] === 'string' && platform['variant'] !== '')
      p.variant = platform['variant'];
    out.push({ ...descriptor, platform: p });
  }
  return out;
}
