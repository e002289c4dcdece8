import type { Logger } from '@release-actions/core';
import type { Platform, Resolved } from '@release-actions/oci';

/** One digest of a resolved image: the image (index or manifest) itself, or a platform manifest of an index. */
export interface ResolvedSubject {
  /** `registry/repository@digest`. */
  reference: string;
  digest: string;
  mediaType: string;
  /** Set for the platform manifests of an index. */
  platform?: Platform;
}

/**
 * What is signed, attested or verified for a resolved image: the image itself first, then each
 * platform manifest of an index, all by digest in the same repository.
 */
export function subjectsOf(resolved: Resolved): ResolvedSubject[] {
  const base = `${resolved.registry}/${resolved.repository}`;
  const subjects: ResolvedSubject[] = [
    { reference: resolved.reference, digest: resolved.digest, mediaType: resolved.mediaType },
  ];
  for (const manifest of resolved.platforms ?? []) {
    subjects.push({
      reference: `${base}@${manifest.digest}`,
      digest: manifest.digest,
      mediaType: manifest.mediaType,
      platform: manifest.platform,
    });
  }
  return subjects;
}

/** os/architecture[/variant]. */
export function platformName(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant]
    .filter((part) => part !== undefined && part !== '')
    .join('/');
}

/** One digest to sign or attest. */
export interface Subject {
  /** The reference as the user gave it. */
  input: string;
  /** registry/repository, as cosign is given it (before `@digest`). */
  repository: string;
  digest: string;
  /** `image`: a single manifest; `index`: a multi-platform index; `platform`: a manifest of an index. */
  role: 'image' | 'index' | 'platform';
  /** os/architecture[/variant] of a platform manifest. */
  platform?: string;
}

export function subjectReference(subject: Pick<Subject, 'repository' | 'digest'>): string {
  return `${subject.repository}@${subject.digest}`;
}

export interface ResolvedReference {
  repository: string;
  digest: string;
  /** Set when the user gave a tag (and no digest); the tag was resolved to `digest`. */
  tag?: string;
  /** Platform manifests when `digest` is an index. */
  platforms?: { digest: string; platform: string }[];
}

/**
 * Where references are checked and resolved: the registry client (packages/oci) in the actions
 * and the CLI, an in-memory table in unit tests.
 */
export interface SubjectSource {
  /** Throws an InputError naming `input` when the reference is malformed. */
  check(reference: string, input: string): void;
  resolve(reference: string, input: string): Promise<ResolvedReference>;
}

/**
 * Resolves each reference to digests: a tag becomes its digest (once, with a notice), an index
 * brings its platform manifests. A digest reached twice is listed once.
 */
export async function expandSubjects(
  references: readonly string[],
  source: SubjectSource,
  input: string,
  logger: Logger,
): Promise<Subject[]> {
  const subjects: Subject[] = [];
  const seen = new Set<string>();
  const add = (subject: Subject) => {
    const key = subjectReference(subject);
    if (seen.has(key)) return;
    seen.add(key);
    subjects.push(subject);
  };
  for (const reference of references) {
    const resolved = await source.resolve(reference, input);
    if (resolved.tag !== undefined) {
      logger.notice(
        `${reference}: the tag ${resolved.tag} was resolved to ${resolved.digest}; the digest is what gets signed, never the tag.`,
      );
    }
    const platforms = resolved.platforms ?? [];
    add({
      input: reference,
      repository: resolved.repository,
      digest: resolved.digest,
      role: platforms.length > 0 ? 'index' : 'image',
    });
    for (const platform of platforms) {
      add({
        input: reference,
        repository: resolved.repository,
        digest: platform.digest,
        role: 'platform',
        platform: platform.platform,
      });
    }
  }
  return subjects;
}
