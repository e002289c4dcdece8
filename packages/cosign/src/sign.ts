import { InputError } from '@release-actions/core';
import type { SigningRecord, SigningReport, SigningSetup } from './signing.js';
import { bundleStem, chooseMode, signerArguments, signOne } from './signing.js';
import type { SubjectSource } from './subjects.js';
import { expandSubjects, subjectReference } from './subjects.js';

export interface SignOptions extends SigningSetup {
  images: readonly string[];
  /** key=value pairs, each passed as `-a key=value`. */
  annotations?: readonly string[];
  source: SubjectSource;
}

export function checkAnnotations(annotations: readonly string[], inputName: string): void {
  for (const annotation of annotations) {
    if (!/^[^=\s]+=/.test(annotation)) {
      throw new InputError(
        `Input '${inputName}': "${annotation}" is not a key=value pair; give one annotation per line, e.g. org.example/ci=true.`,
      );
    }
  }
}

/**
 * Signs each image by digest: one `cosign sign` per digest, each with its own bundle (cosign
 * overwrites a single --bundle file with --recursive, so an index is never signed that way; its
 * platform manifests are signed one by one after it).
 */
export async function signImages(options: SignOptions): Promise<SigningReport> {
  if (options.images.length === 0) throw new InputError(`Input 'images': give at least one image reference.`);
  for (const image of options.images) options.source.check(image, 'images');
  const annotations = options.annotations ?? [];
  checkAnnotations(annotations, 'annotations');

  const chosen = chooseMode(options, 'sign');
  if ('skipped' in chosen)
    return { signed: false, mode: 'skipped', skippedReason: chosen.skipped, records: [] };

  const subjects = await expandSubjects(options.images, options.source, 'images', options.logger);
  const annotationArgs = annotations.flatMap((annotation) => ['-a', annotation]);
  const records: SigningRecord[] = [];
  for (const subject of subjects) {
    options.logger.info(
      `Signing ${subjectReference(subject)}${subject.platform ? ` (${subject.platform})` : ` (${subject.role})`}`,
    );
    records.push(
      await signOne(
        options,
        subject,
        (bundle) => [
          'sign',
          '--yes',
          ...signerArguments(options),
          ...annotationArgs,
          '--bundle',
          bundle,
          subjectReference(subject),
        ],
        `${bundleStem(subject)}.sigstore.json`,
      ),
    );
  }
  return { signed: true, mode: chosen.mode, records };
}
