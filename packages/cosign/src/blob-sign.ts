import { InputError, mention } from '@release-actions/core';
import { lstatSync, statSync } from 'node:fs';
import path from 'node:path';
import { typeSlug } from './attest.js';
import { BUNDLE_SUFFIX, checkBundlePath, signatureBundleOf } from './blob-files.js';
import { sha256File, writeChecksums } from './blob-checksums.js';
import { checkPredicate, checkPredicateType } from './predicate.js';
import { withFileSigningSession, type SigningOptions } from './session.js';
import type { BundleOutcome, SigningMode, SigningSetup } from './signing.js';
import { chooseMode, signerArguments, signToBundle } from './signing.js';

/** One signed (or attested) file: its bundle beside it and its transparency-log entry. */
export interface FileRecord extends BundleOutcome {
  file: string;
  sha256: string;
  /** For a checksums file: the files it lists. */
  covers?: string[];
  /** attest only: the predicate type and file. */
  predicateType?: string;
  predicate?: string;
}

export interface FileSigningReport {
  /** true when every file was signed (or already logged); false when skipped. */
  signed: boolean;
  mode: SigningMode | 'skipped';
  skippedReason?: string;
  records: FileRecord[];
  /** The checksums file written, when one was asked for (also when signing was skipped). */
  checksumsFile?: string;
}

export interface SignFilesOptions extends SigningOptions {
  /** The files to sign, checked (expandBlobFiles). */
  files: readonly string[];
  /** Write the files' SHA-256 sums here and sign only this file. */
  checksumsFile?: string;
}

export interface AttestFilesOptions extends SigningOptions {
  files: readonly string[];
  predicate?: string;
  /** A cosign type name or a predicate type URI (default custom). */
  type?: string;
}

/** The input every file error names. */
const FILES = 'files';

/** sign and attest need something to sign: one line naming both inputs, before anything runs. */
export function checkSomethingToSign(
  subjects: readonly string[],
  files: readonly string[],
  subjectInput: string,
): void {
  if (subjects.length === 0 && files.length === 0) {
    throw new InputError(
      `Nothing to sign: give ${mention(subjectInput)} (image references), ${mention(FILES)} (release files), or both.`,
    );
  }
}

/** Where a file's attestation of `type` goes: `<file>.<type>.sigstore.json`, beside it. */
export function attestationBundleOf(file: string, type: string): string {
  return `${file}.${typeSlug(type)}${BUNDLE_SUFFIX}`;
}

function checkChecksumsTarget(checksumsFile: string, files: readonly string[]): void {
  const input = 'checksums-file';
  if (files.includes(checksumsFile)) {
    throw new InputError(`"${checksumsFile}" is one of the files to sign; name a new file for the sums.`, {
      input,
    });
  }
  let stats;
  try {
    stats = lstatSync(checksumsFile);
  } catch {
    return;
  }
  if (!stats.isFile()) {
    throw new InputError(`"${checksumsFile}" exists and is not a regular file; name a file to write.`, {
      input,
    });
  }
}

async function signEach(
  setup: SigningSetup,
  jobs: readonly { file: string; sha256: string; bundle: string; args: (bundle: string) => string[] }[],
  extra: (job: { file: string }) => Partial<FileRecord> = () => ({}),
  entryOf?: (file: string) => { predicateBytes: number; what: string },
): Promise<FileRecord[]> {
  const records: FileRecord[] = [];
  for (const job of jobs) {
    const outcome = await signToBundle(setup, job.file, job.args, job.bundle, entryOf?.(job.file));
    records.push({ file: job.file, sha256: job.sha256, ...outcome, ...extra(job) });
  }
  return records;
}

/**
 * Signs release files with `cosign sign-blob`, each bundle beside its file
 * (`<file>.sigstore.json`); with a checksums file, writes the files' sums there and signs that
 * one file instead. Every path is checked before anything is written or signed.
 */
export async function signFiles(options: SignFilesOptions): Promise<FileSigningReport> {
  if (options.files.length === 0) throw new InputError('give at least one file to sign.', { input: FILES });
  const checksumsFile = options.checksumsFile;
  if (checksumsFile !== undefined) checkChecksumsTarget(checksumsFile, options.files);
  const signedFiles = checksumsFile === undefined ? options.files : [checksumsFile];
  for (const file of signedFiles) {
    checkBundlePath(signatureBundleOf(file), checksumsFile === undefined ? FILES : 'checksums-file');
  }
  return withFileSigningSession(options, async (setup) => {
    const sums = [];
    for (const file of options.files) sums.push({ file, sha256: await sha256File(file) });
    let jobsOf = sums;
    let covers: string[] | undefined;
    if (checksumsFile !== undefined) {
      // Written before signing, and also when signing is skipped: the sums are worth having alone.
      writeChecksums(checksumsFile, sums);
      setup.logger.info(`Wrote the SHA-256 sums of ${sums.length} file(s) to ${checksumsFile}`);
      jobsOf = [{ file: checksumsFile, sha256: await sha256File(checksumsFile) }];
      covers = options.files.slice();
    }
    const base = checksumsFile === undefined ? {} : { checksumsFile };
    const chosen = chooseMode(setup, 'sign');
    if ('skipped' in chosen)
      return { signed: false, mode: 'skipped', skippedReason: chosen.skipped, records: [], ...base };
    const jobs = jobsOf.map(({ file, sha256 }) => {
      setup.logger.info(`Signing ${file} (sha256:${sha256})`);
      return {
        file,
        sha256,
        bundle: signatureBundleOf(file),
        args: (bundle: string) => ['sign-blob', '--yes', ...signerArguments(setup), '--bundle', bundle, file],
      };
    });
    const records = await signEach(setup, jobs, () => (covers === undefined ? {} : { covers }));
    return { signed: true, mode: chosen.mode, records, ...base };
  });
}

/**
 * What attesting files needs, checked before anything is signed: a predicate and its type, and
 * bundle paths free to write. The predicate is returned with its checked type.
 */
export function checkFileAttestation(options: AttestFilesOptions): { predicate: string; type: string } {
  if (options.files.length === 0) throw new InputError('give at least one file to attest.', { input: FILES });
  if (options.predicate === undefined) {
    throw new InputError(
      `a file is attested with ${mention('predicate')} (and ${mention('type')}); give one.`,
      {
        input: FILES,
      },
    );
  }
  const type = checkPredicateType(options.type ?? 'custom', 'type');
  checkPredicate(options.predicate, type, 'predicate');
  for (const file of options.files) checkBundlePath(attestationBundleOf(file, type), FILES);
  return { predicate: options.predicate, type };
}

/**
 * The file part of an attest step that may also name an image: the SBOM and VEX inputs describe
 * an image, so without one they are refused rather than put on the files.
 */
export function fileAttestationOf(
  options: Omit<AttestFilesOptions, 'files'> & {
    subject?: string;
    vex?: string;
    sbomSpdx?: string;
    sbomCyclonedx?: string;
    sbomManifest?: unknown;
  },
  files: readonly string[],
): AttestFilesOptions {
  if (!options.subject) {
    const imageOnly = (
      [
        ['vex', options.vex],
        ['sbom-spdx', options.sbomSpdx],
        ['sbom-cyclonedx', options.sbomCyclonedx],
        ['sbom-manifest', options.sbomManifest],
      ] as const
    ).find(([, value]) => value !== undefined);
    if (imageOnly !== undefined) {
      throw new InputError(
        `it is attested on an image, and no ${mention('subject')} was given; attest a file with ${mention('predicate')} and ${mention('type')}.`,
        { input: imageOnly[0] },
      );
    }
  }
  const request = { ...options, files };
  checkFileAttestation(request);
  return request;
}

/**
 * Attests release files with `cosign attest-blob`: the predicate, as its type, on each file, the
 * bundle beside the file as `<file>.<type>.sigstore.json` (the signature keeps `<file>.sigstore.json`).
 */
export async function attestFiles(options: AttestFilesOptions): Promise<FileSigningReport> {
  if (options.files.length === 0) throw new InputError('give at least one file to attest.', { input: FILES });
  if (options.predicate === undefined) {
    throw new InputError(
      `a file is attested with ${mention('predicate')} (and ${mention('type')}); give one.`,
      {
        input: FILES,
      },
    );
  }
  const predicate = options.predicate;
  const type = checkPredicateType(options.type ?? 'custom', 'type');
  checkPredicate(predicate, type, 'predicate');
  for (const file of options.files) checkBundlePath(attestationBundleOf(file, type), FILES);
  return withFileSigningSession(options, async (setup) => {
    const chosen = chooseMode(setup, 'attest');
    if ('skipped' in chosen)
      return { signed: false, mode: 'skipped', skippedReason: chosen.skipped, records: [] };
    const jobs = [];
    for (const file of options.files) {
      const sha256 = await sha256File(file);
      setup.logger.info(`Attesting ${type} (${predicate}) for ${file} (sha256:${sha256})`);
      jobs.push({
        file,
        sha256,
        bundle: attestationBundleOf(file, type),
        args: (bundle: string) => [
          'attest-blob',
          '--yes',
          ...signerArguments(setup),
          '--predicate',
          predicate,
          '--type',
          type,
          '--bundle',
          bundle,
          file,
        ],
      });
    }
    const predicateBytes = statSync(predicate).size;
    const records = await signEach(
      setup,
      jobs,
      () => ({ predicateType: type, predicate }),
      (file) => ({ predicateBytes, what: `${type} predicate ${predicate} on ${path.basename(file)}` }),
    );
    return { signed: true, mode: chosen.mode, records };
  });
}
