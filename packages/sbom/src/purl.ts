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
