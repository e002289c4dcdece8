import { InputError, mention, type Logger } from '@release-actions/core';
import type { LoadedManifest } from '@release-actions/sbom';
import { checkDescribes, entryName, readSbom, SbomSubjectError } from '@release-actions/sbom';
import { statSync } from 'node:fs';
import { checkPredicate, checkPredicateType, PREDICATE_TYPE_URIS } from './predicate.js';
import { withSigningSession, type SigningOptions } from './session.js';
import type { SigningRecord, SigningReport, SigningSetup } from './signing.js';
import { bundleStem, chooseMode, signerArguments, signOne } from './signing.js';
import type { Subject, SubjectSource } from './subjects.js';
import { expandSubjects, subjectReference } from './subjects.js';

export interface AttestOptions extends SigningOptions {
  /** The image to attest, by digest or tag. */
  subject: string;
  /** A predicate file, attested on every digest of the subject … */
  predicate?: string;
  /** … as this type (default custom): a cosign type name or a predicate type URI. */
  type?: string;
  /** An OpenVEX document (the scan step's openvex.json), attested as openvex on every digest. */
  vex?: string;
  /** SBOM files, each attested only on the digest it describes. */
  sbomSpdx?: string;
  sbomCyclonedx?: string;
  /**
   * The sbom step's platforms manifest: each platform's SPDX and CycloneDX are attested on that
   * platform's digest only, and the index gets none.
   */
  sbomManifest?: LoadedManifest;
  /** Attest an SBOM that carries no image digest on a single image (never on an index). */
  allowSbomWithoutDigest?: boolean;
}

/** A predicate file, its checked type, and the input it came from (named in errors). */
interface Prepared {
  file: string;
  type: string;
  input: string;
}

const MANIFEST_INPUT = 'sbom-manifest';

/** One cosign attest call: this predicate on this digest. */
interface Pair {
  predicate: Prepared;
  subject: Subject;
}

const SBOM_TYPES = new Set<string>([
  'spdxjson',
  'cyclonedx',
  PREDICATE_TYPE_URIS.spdxjson,
  PREDICATE_TYPE_URIS.cyclonedx,
]);

function isSbomType(type: string): boolean {
  return SBOM_TYPES.has(type);
}

/** The subjects of each reference: the image (or index) first, then an index's platforms. */
function grouped(subjects: readonly Subject[]): { head: Subject; platforms: Subject[] }[] {
  const groups: { head: Subject; platforms: Subject[] }[] = [];
  for (const subject of subjects) {
    if (subject.role === 'platform') groups.at(-1)?.platforms.push(subject);
    else groups.push({ head: subject, platforms: [] });
  }
  return groups;
}

function describePlatform(subject: Subject): string {
  return `${subject.platform ?? 'platform'} ${subject.digest}`;
}

/**
 * Where an SBOM given as a file goes: only on the digest it describes. On a single image that is
 * the image, when the SBOM names it; on an index, the one platform whose digest the SBOM names.
 * An SBOM of the index digest itself (syft picked one platform), of another image, or without a
 * digest is refused on an index: spraying it over every platform would attest a false SBOM.
 */
function sbomTarget(
  predicate: Prepared,
  group: { head: Subject; platforms: Subject[] },
  allowWithoutDigest: boolean,
  logger: Logger,
): Subject {
  const described = readSbom(predicate.file, { input: predicate.input }).subject;
  const what = predicate.file;
  if (group.head.role !== 'index') {
    checkDescribes(described, group.head.digest, {
      what,
      input: predicate.input,
      allowWithoutDigest,
      overrideName: "'allow-sbom-without-digest'",
    });
    return group.head;
  }
  const index = subjectReference(group.head);
  const mismatch = (detail: string) =>
    new SbomSubjectError(detail, { input: predicate.input, code: 'SBOM_SUBJECT_MISMATCH' });
  if (described.digest === undefined) {
    throw mismatch(
      `${what} carries no image digest, so it cannot be matched to one platform of the index ${index} (${group.platforms.map(describePlatform).join(', ')}); give the sbom step's platforms manifest as '${MANIFEST_INPUT}', or attest it on the platform digest it was made from.`,
    );
  }
  if (described.digest === group.head.digest) {
    throw mismatch(
      `${what} describes the index ${index} itself, i.e. the one platform syft picked; an index carries no SBOM. Make one SBOM per platform (the sbom step's platforms: all) and give its platforms manifest as '${MANIFEST_INPUT}'.`,
    );
  }
  const platform = group.platforms.find((p) => p.digest === described.digest);
  if (platform === undefined) {
    throw mismatch(
      `${what} describes ${described.digest}${described.name ? ` (${described.name})` : ''}, which is not a platform of the index ${index} (${group.platforms.map(describePlatform).join(', ')}); an SBOM is only attested on the digest it describes.`,
    );
  }
  logger.notice(
    `${predicate.file} describes ${describePlatform(platform)}: it is attested on that digest only, not on the index or the other platforms.`,
  );
  return platform;
}

const MANIFEST_TYPES = [
  ['spdx-json', 'spdxjson'],
  ['cyclonedx-json', 'cyclonedx'],
] as const;

/**
 * The pairs a platforms manifest gives: each entry's SPDX and CycloneDX on that entry's digest,
 * after checking that the manifest is about this subject, covers every platform of the index,
 * and that each file describes its entry's digest. The index itself gets no SBOM.
 */
function manifestPairs(manifest: LoadedManifest, group: { head: Subject; platforms: Subject[] }): Pair[] {
  const subject = subjectReference(group.head);
  const invalid = (detail: string) => new InputError(detail, { input: MANIFEST_INPUT });
  if (!manifest.subject.endsWith(`@${group.head.digest}`)) {
    throw invalid(`${manifest.file} is the manifest of ${manifest.subject}, not of the subject ${subject}.`);
  }
  const targets = group.head.role === 'index' ? group.platforms : [group.head];
  const byDigest = new Map(targets.map((t) => [t.digest, t]));
  for (const entry of manifest.platforms) {
    if (!byDigest.has(entry.digest)) {
      throw invalid(
        `${entryName(entry)} ${entry.digest} in ${manifest.file} is not ${group.head.role === 'index' ? 'a platform of the index' : 'the image'} ${subject}.`,
      );
    }
  }
  const covered = new Set(manifest.platforms.map((e) => e.digest));
  const missing = targets.filter((t) => !covered.has(t.digest));
  if (missing.length > 0) {
    throw invalid(
      `${manifest.file} has no SBOM for ${missing.map(describePlatform).join(', ')} of ${subject}; every platform must carry its own SBOMs (make them with the sbom step's platforms: all).`,
    );
  }
  const pairs: Pair[] = [];
  for (const [i, entry] of manifest.platforms.entries()) {
    const target = byDigest.get(entry.digest) as Subject;
    const paths = manifest.paths[i] ?? {};
    for (const [format, type] of MANIFEST_TYPES) {
      const file = paths[format];
      if (file === undefined) continue;
      checkPredicate(file, type, MANIFEST_INPUT);
      checkDescribes(readSbom(file).subject, entry.digest, {
        what: `${file} (${entryName(entry)})`,
        input: MANIFEST_INPUT,
      });
      pairs.push({ predicate: { file, type, input: MANIFEST_INPUT }, subject: target });
    }
  }
  if (pairs.length === 0) throw invalid(`${manifest.file} names no SPDX or CycloneDX file to attest.`);
  return pairs;
}

/** A predicate type as a file-name part: `spdxjson`, or a URI with its punctuation made safe. */
export function typeSlug(type: string): string {
  return type
    .replace(/^https?:\/\//, '')
    .replace(/[^A-Za-z0-9.-]+/g, '_')
    .slice(0, 80);
}

/** The predicate files the inputs give, each with its checked type and the input it came from. */
function predicatesOf(options: AttestOptions): Prepared[] {
  if (options.type !== undefined && options.predicate === undefined) {
    throw new InputError(`it is the type of ${mention('predicate')}, which was not given.`, {
      input: 'type',
    });
  }
  const given: Prepared[] = [];
  if (options.predicate !== undefined)
    given.push({ file: options.predicate, type: options.type ?? 'custom', input: 'predicate' });
  if (options.vex !== undefined) given.push({ file: options.vex, type: 'openvex', input: 'vex' });
  if (options.sbomSpdx !== undefined)
    given.push({ file: options.sbomSpdx, type: 'spdxjson', input: 'sbom-spdx' });
  if (options.sbomCyclonedx !== undefined)
    given.push({ file: options.sbomCyclonedx, type: 'cyclonedx', input: 'sbom-cyclonedx' });
  if (given.length === 0 && options.sbomManifest === undefined) {
    throw new InputError(
      `Give a predicate: ${mention('predicate')} (with ${mention('type')}), ${mention('vex')}, ${mention('sbom-spdx')} / ${mention('sbom-cyclonedx')}, or ${mention('sbom-manifest')}.`,
    );
  }
  const predicates = given.map((predicate) => {
    const type = checkPredicateType(
      predicate.type,
      predicate.input === 'predicate' ? 'type' : predicate.input,
    );
    checkPredicate(predicate.file, type, predicate.input);
    return { ...predicate, type };
  });
  const sbom = predicates.find((p) => isSbomType(p.type));
  if (options.sbomManifest !== undefined && sbom !== undefined) {
    throw new InputError(
      `it gives each platform its SBOMs; give the SBOM of ${mention(sbom.input)} through it, not both.`,
      {
        input: MANIFEST_INPUT,
      },
    );
  }
  return predicates;
}

/**
 * The attest step: one `cosign attest` per digest and predicate, each with its own bundle. A
 * predicate that is not an SBOM goes on every digest (an index and each platform manifest); an
 * SBOM only on the digest it describes; a platforms manifest's SBOMs each on their own
 * platform's digest.
 */
export async function attestImages(options: AttestOptions): Promise<SigningReport> {
  if (options.subject.trim() === '') throw new InputError('give an image reference.', { input: 'subject' });
  const predicates = predicatesOf(options);
  return withSigningSession({ ...options, references: [options.subject], input: 'subject' }, (setup) =>
    attestSubjects(setup, [options.subject], predicates, options),
  );
}

async function attestSubjects(
  setup: SigningSetup & { source: SubjectSource },
  references: readonly string[],
  predicates: readonly Prepared[],
  options: AttestOptions,
): Promise<SigningReport> {
  for (const reference of references) setup.source.check(reference, 'subject');
  const chosen = chooseMode(setup, 'attest');
  if ('skipped' in chosen)
    return { signed: false, mode: 'skipped', skippedReason: chosen.skipped, records: [] };

  const subjects = await expandSubjects(references, setup.source, 'subject', setup.logger);
  const pairs: Pair[] = [];
  // Predicates that are not SBOMs (provenance, VEX, custom) are about the whole image: every digest.
  for (const predicate of predicates.filter((p) => !isSbomType(p.type)))
    for (const subject of subjects) pairs.push({ predicate, subject });
  for (const group of grouped(subjects)) {
    for (const predicate of predicates.filter((p) => isSbomType(p.type)))
      pairs.push({
        predicate,
        subject: sbomTarget(predicate, group, options.allowSbomWithoutDigest ?? false, setup.logger),
      });
    if (options.sbomManifest !== undefined) pairs.push(...manifestPairs(options.sbomManifest, group));
  }

  const records: SigningRecord[] = [];
  for (const { predicate, subject } of pairs) {
    setup.logger.info(`Attesting ${predicate.type} (${predicate.file}) for ${subjectReference(subject)}`);
    const record = await signOne(
      setup,
      subject,
      (bundle) => [
        'attest',
        '--yes',
        ...signerArguments(setup),
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
  return { signed: true, mode: chosen.mode, records };
}
