import { PackageURL } from 'packageurl-js';

export interface PurlParts {
  type: string;
  namespace?: string;
  name: string;
  version?: string;
}

/** The parts of a package URL, or undefined when the text is not one (syft writes placeholders at times). */
export function parsePurl(text: unknown): PurlParts | undefined {
  if (typeof text !== 'string' || !text.startsWith('pkg:')) return undefined;
  try {
    const purl = PackageURL.fromString(text);
    return {
      type: purl.type,
      namespace: purl.namespace ?? undefined,
      name: purl.name,
      version: purl.version ?? undefined,
    };
  } catch {
    return undefined;
  }
}

/** Identity of a package across versions: type, namespace and name, without version or qualifiers. */
export function purlIdentity(parts: PurlParts): string {
  return `pkg:${parts.type}/${parts.namespace ? `${parts.namespace}/` : ''}${parts.name}`;
}

/**
 * Package URL types that older tools wrote with the distribution as the type, and the spec's
 * spelling: syft wrote Alpine packages as `pkg:alpine/<name>` until 0.66 (anchore/syft#1431, when
 * `apk` entered the purl spec) and `pkg:apk/alpine/<name>` since; `pkg:debian/<name>` is the same
 * older spelling of `pkg:deb/debian/<name>` (OSS Index and others).
 */
const LEGACY_TYPES: Readonly<Record<string, { type: string; namespace: string }>> = {
  alpine: { type: 'apk', namespace: 'alpine' },
  debian: { type: 'deb', namespace: 'debian' },
};

/**
 * The identity used to compare two SBOMs: `purlIdentity` in the spec's current spelling, so one
 * package written `pkg:alpine/musl` by an old syft and `pkg:apk/alpine/musl` by a new one is the
 * same package. Only for matching; what is shown keeps each file's own purl.
 */
export function comparableIdentity(parts: PurlParts): string {
  const legacy = LEGACY_TYPES[parts.type.toLowerCase()];
  if (legacy === undefined || parts.namespace !== undefined) return purlIdentity(parts);
  return purlIdentity({ ...parts, type: legacy.type, namespace: legacy.namespace });
}
