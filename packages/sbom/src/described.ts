import { SbomSubjectError } from './errors.js';
import type { SbomFormat } from './formats.js';

/**
 * What an SBOM says it describes. syft writes the catalogued image's manifest digest into every
 * format (syft/format/common/spdxhelpers and cyclonedxhelpers):
 * - SPDX: the package the document DESCRIBES (`SPDXRef-DocumentRoot-Image-…`, purpose CONTAINER)
 *   carries it as its `pkg:oci/<name>@sha256%3A…` purl and as a SHA256 checksum; its versionInfo
 *   is the digest the image was named by (or its tag);
 * - CycloneDX: `metadata.component` (type container) has it as `version`, the digest the image
 *   was named by, else the manifest digest (a tag when named by tag, which is not a digest);
 * - syft JSON: `source.metadata.manifestDigest`.
 * A directory or file source carries no image digest.
 */
export interface DescribedSubject {
  kind: 'image' | 'directory' | 'file' | 'unknown';
  /** `sha256:<hex>` when the SBOM names the image's manifest digest. */
  digest?: string;
  /** The name the source was given (the image reference or the path), for messages. */
  name?: string;
}

type Json = Record<string, unknown>;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asDigest(value: unknown): string | undefined {
  return typeof value === 'string' && DIGEST.test(value) ? value : undefined;
}

function spdxSubject(doc: Json): DescribedSubject {
  const packages = Array.isArray(doc.packages) ? doc.packages.filter(isObject) : [];
  const described = new Set<string>();
  if (Array.isArray(doc.documentDescribes))
    for (const id of doc.documentDescribes) if (typeof id === 'string') described.add(id);
  if (Array.isArray(doc.relationships)) {
    for (const r of doc.relationships.filter(isObject)) {
      if (
        r.spdxElementId === 'SPDXRef-DOCUMENT' &&
        r.relationshipType === 'DESCRIBES' &&
        typeof r.relatedSpdxElement === 'string'
      )
        described.add(r.relatedSpdxElement);
    }
  }
  const roots = packages.filter((p) => typeof p.SPDXID === 'string' && described.has(p.SPDXID));
  if (roots.length !== 1) return { kind: 'unknown' };
  const root = roots[0] as Json;
  const id = String(root.SPDXID);
  const name = typeof root.name === 'string' ? root.name : undefined;
  const refs = Array.isArray(root.externalRefs) ? root.externalRefs.filter(isObject) : [];
  const purl = refs.find((r) => r.referenceType === 'purl' && typeof r.referenceLocator === 'string')
    ?.referenceLocator as string | undefined;
  const isImage =
    id.startsWith('SPDXRef-DocumentRoot-Image-') ||
    root.primaryPackagePurpose === 'CONTAINER' ||
    purl?.startsWith('pkg:oci/');
  if (!isImage) {
    const kind = id.startsWith('SPDXRef-DocumentRoot-Directory-')
      ? 'directory'
      : id.startsWith('SPDXRef-DocumentRoot-File-')
        ? 'file'
        : 'unknown';
    return { kind, ...(name ? { name } : {}) };
  }
  // The manifest digest first (purl, checksum): it is the image syft catalogued.
  let digest: string | undefined;
  const purlVersion = purl ? /^pkg:oci\/[^@?#]+@([^?#]+)/.exec(purl)?.[1] : undefined;
  if (purlVersion) {
    try {
      digest = asDigest(decodeURIComponent(purlVersion));
    } catch {
      digest = undefined;
    }
  }
  if (digest === undefined && Array.isArray(root.checksums)) {
    const sha = root.checksums.filter(isObject).find((c) => c.algorithm === 'SHA256');
    digest = asDigest(`sha256:${String(sha?.checksumValue ?? '')}`);
  }
  digest ??= asDigest(root.versionInfo);
  return { kind: 'image', ...(digest ? { digest } : {}), ...(name ? { name } : {}) };
}

function cyclonedxSubject(doc: Json): DescribedSubject {
  const component =
    isObject(doc.metadata) && isObject(doc.metadata.component) ? doc.metadata.component : undefined;
  if (component === undefined) return { kind: 'unknown' };
  const name = typeof component.name === 'string' ? component.name : undefined;
  const kind = component.type === 'container' ? 'image' : component.type === 'file' ? 'directory' : 'unknown';
  const digest = kind === 'image' ? asDigest(component.version) : undefined;
  return { kind, ...(digest ? { digest } : {}), ...(name ? { name } : {}) };
}

function syftSubject(doc: Json): DescribedSubject {
  const source = isObject(doc.source) ? doc.source : {};
  const metadata = isObject(source.metadata) ? source.metadata : {};
  const kind =
    source.type === 'image'
      ? 'image'
      : source.type === 'directory'
        ? 'directory'
        : source.type === 'file'
          ? 'file'
          : 'unknown';
  const digest = kind === 'image' ? asDigest(metadata.manifestDigest) : undefined;
  const name =
    typeof metadata.userInput === 'string'
      ? metadata.userInput
      : typeof source.name === 'string'
        ? source.name
        : undefined;
  return { kind, ...(digest ? { digest } : {}), ...(name ? { name } : {}) };
}

export function describedSubject(format: SbomFormat, doc: unknown): DescribedSubject {
  if (!isObject(doc)) return { kind: 'unknown' };
  if (format === 'spdx-json') return spdxSubject(doc);
  if (format === 'cyclonedx-json') return cyclonedxSubject(doc);
  return syftSubject(doc);
}

export interface DescribesOptions {
  /** How the SBOM is named in the message (its file, and the platform it is for). */
  what: string;
  /** The input that named the SBOM, by its action input name. */
  input?: string;
  /** Accept an SBOM that names no image digest (a directory's, or syft's of an image named by tag). */
  allowWithoutDigest?: boolean;
  /** The input or flag that allows it, named in the error. */
  overrideName?: string;
}

/**
 * Refuses an SBOM that does not describe `digest`: one that names another digest always; one
 * that names none unless the caller opted in.
 */
export function checkDescribes(subject: DescribedSubject, digest: string, options: DescribesOptions): void {
  if (subject.digest !== undefined) {
    if (subject.digest === digest) return;
    throw new SbomSubjectError(
      `${options.what} describes ${subject.digest}${subject.name ? ` (${subject.name})` : ''}, not ${digest}; an SBOM is only gated or attested on the digest it describes.`,
      { input: options.input },
    );
  }
  if (options.allowWithoutDigest) return;
  const source =
    subject.kind === 'directory' || subject.kind === 'file'
      ? `a ${subject.kind} source`
      : subject.kind === 'image'
        ? 'an image without a digest (named by tag)'
        : 'no image it names by digest';
  throw new SbomSubjectError(
    `${options.what} carries no image digest (it describes ${source}), so it cannot be shown to describe ${digest}; make it from the image by digest${options.overrideName ? `, or set ${options.overrideName} to accept it` : ''}.`,
    { input: options.input },
  );
}
