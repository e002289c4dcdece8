import type { Logger } from '@release-actions/core';

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
  /** Throws an InputError naming `inputName` when the reference is malformed. */
  check(reference: string, inputName: string): void;
  resolve(reference: string, inputName: string): Promise<ResolvedReference>;
}

/**
 * Resolves each reference to digests: a tag becomes its digest (once, with a notice), an index
 * brings its platform manifests. A digest reached twice is listed once.
 */
export async function expandSubjects(
  references: readonly string[],
  source: SubjectSource,
  inputName: string,
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
  for (const input of references) {
    const resolved = await source.resolve(input, inputName);
    if (resolved.tag !== undefined) {
      logger.notice(
        `${input}: the tag ${resolved.tag} was resolved to ${resolved.digest}; the digest is what gets signed, never the tag.`,
      );
    }
    const platforms = resolved.platforms ?? [];
    add({
      input,
      repository: resolved.repository,
      digest: resolved.digest,
      role: platforms.length > 0 ? 'index' : 'image',
    });
    for (const platform of platforms) {
      add({
        input,
        repository: resolved.repository,
        digest: platform.digest,
        role: 'platform',
        platform: platform.platform,
      });
    }
  }
  return subjects;
}
