import { InputError } from '@release-actions/errors';
import { statSync } from 'node:fs';
import { checkPredicate, checkPredicateType } from './predicate.js';
import type { SigningRecord, SigningReport, SigningSetup } from './signing.js';
import { bundleStem, chooseMode, keyArguments, signOne } from './signing.js';
import type { SubjectSource } from './subjects.js';
import { expandSubjects, subjectReference } from './subjects.js';

export interface PredicateFile {
  file: string;
  /** A cosign type name or a predicate type URI. */
  type: string;
  /** The input it came from, for error messages. */
  inputName: string;
}

export interface AttestOptions extends SigningSetup {
  subjects: readonly string[];
  predicates: readonly PredicateFile[];
  source: SubjectSource;
}

function typeSlug(type: string): string {
  return type
    .replace(/^https?:\/\//, '')
    .replace(/[^A-Za-z0-9.-]+/g, '_')
    .slice(0, 80);
}

/**
 * Attests each predicate for each digest (an index and each of its platform manifests): one
 * `cosign attest` per digest and predicate, each with its own bundle.
 */
export async function attestImages(options: AttestOptions): Promise<SigningReport> {
  if (options.subjects.length === 0) throw new InputError(`Input 'subject': give an image reference.`);
  if (options.predicates.length === 0) {
    throw new InputError(
      `Give a predicate: the 'predicate' input (with 'type'), or 'sbom-spdx' / 'sbom-cyclonedx'.`,
    );
  }
  for (const subject of options.subjects) options.source.check(subject, 'subject');
  const predicates = options.predicates.map((predicate) => {
    const type = checkPredicateType(
      predicate.type,
      predicate.inputName === 'predicate' ? 'type' : predicate.inputName,
    );
    checkPredicate(predicate.file, type, predicate.inputName);
    return { ...predicate, type };
  });

  const chosen = chooseMode(options, 'attest');
  if ('skipped' in chosen)
    return { signed: false, mode: 'skipped', skippedReason: chosen.skipped, records: [] };

  const subjects = await expandSubjects(options.subjects, options.source, 'subject', options.logger);
  const records: SigningRecord[] = [];
  for (const predicate of predicates) {
    for (const subject of subjects) {
      options.logger.info(`Attesting ${predicate.type} for ${subjectReference(subject)}`);
      const record = await signOne(
        options,
        subject,
        (bundle) => [
          'attest',
          '--yes',
          ...keyArguments(options),
          '--predicate',
          predicate.file,
          '--type',
          predicate.type,
          '--bundle',
          bundle,
          subjectReference(subject),
        ],
        `${bundleStem(subject)}.${typeSlug(predicate.type)}.att.sigstore.json`,
        {
          predicateBytes: statSync(predicate.file).size,
          what: `${predicate.type} predicate ${predicate.file} on ${subjectReference(subject)}`,
        },
      );
      records.push({ ...record, predicateType: predicate.type, predicate: predicate.file });
    }
  }
  return { signed: true, mode: chosen.mode, records };
}
