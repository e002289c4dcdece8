import { InputError } from '@release-actions/core';
import { withSigningSession, type SigningOptions } from './session.js';
import type { SigningRecord, SigningReport, SigningSetup } from './signing.js';
import { bundleStem, chooseMode, signerArguments, signOne } from './signing.js';
import type { SubjectSource } from './subjects.js';
import { expandSubjects, subjectReference } from './subjects.js';

export interface SignOptions extends SigningOptions {
  images: readonly string[];
  /** key=value pairs, each passed as `-a key=value`. */
  annotations?: readonly string[];
}

export function checkAnnotations(annotations: readonly string[]): void {
  for (const annotation of annotations) {
    if (!/^[^=\s]+=/.test(annotation)) {
      throw new InputError(
        `"${annotation}" is not a key=value pair; give one annotation per line, e.g. org.example/ci=true.`,
        { input: 'annotations' },
      );
    }
  }
}

/**
 * The sign step: signs each image by digest, one `cosign sign` per digest, each with its own
 * bundle (cosign overwrites a single --bundle file with --recursive, so an index is never signed
 * that way; its platform manifests are signed one by one after it).
 */
export async function signImages(options: SignOptions): Promise<SigningReport> {
  if (options.images.length === 0) {
    throw new InputError('give at least one image reference.', { input: 'images' });
  }
  const annotations = options.annotations ?? [];
  checkAnnotations(annotations);
  return withSigningSession({ ...options, references: options.images, input: 'images' }, (setup) =>
    signSubjects(setup, options.images, annotations),
  );
}

async function signSubjects(
  setup: SigningSetup & { source: SubjectSource },
  images: readonly string[],
  annotations: readonly string[],
): Promise<SigningReport> {
  for (const image of images) setup.source.check(image, 'images');
  const chosen = chooseMode(setup, 'sign');
  if ('skipped' in chosen)
    return { signed: false, mode: 'skipped', skippedReason: chosen.skipped, records: [] };

  const subjects = await expandSubjects(images, setup.source, 'images', setup.logger);
  const annotationArgs = annotations.flatMap((annotation) => ['-a', annotation]);
  const records: SigningRecord[] = [];
  for (const subject of subjects) {
    setup.logger.info(
      `Signing ${subjectReference(subject)}${subject.platform ? ` (${subject.platform})` : ` (${subject.role})`}`,
    );
    records.push(
      await signOne(
        setup,
        subject,
        (bundle) => [
          'sign',
          '--yes',
          ...signerArguments(setup),
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
