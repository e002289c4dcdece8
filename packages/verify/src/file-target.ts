import { checkInputFile, InputError, type InputFileOptions } from '@release-actions/core';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CHECKS, type CheckName } from './checks.js';

/**
 * A release file (a binary, an archive) verified against the same identity policy as an image:
 * its Sigstore bundle (`cosign sign-blob --bundle <file>.sigstore.json <file>`), or a signed
 * checksums file that lists it, and optionally the SLSA provenance of slsa-github-generator's
 * generic generator.
 */
export interface FileTarget {
  file: string;
  /** The bundle; default `<file>.sigstore.json`, or `<checksums>.sigstore.json` with checksums. */
  bundle?: string;
  /** A sha256sum-format checksums file (`<hex>  <name>`): it is what the bundle signs, and it must list the file. */
  checksums?: string;
  /** The generic generator's `<name>.intoto.jsonl`, for the provenance check (slsa-verifier verify-artifact). */
  provenancePath?: string;
}

export interface CheckedFileTarget {
  file: string;
  /** The file the bundle signs: the release file, or the checksums file. */
  signed: string;
  bundle: string;
  /** False when the bundle path is the default one. */
  bundleGiven: boolean;
  checksums?: string;
  provenancePath?: string;
  /** Only signature and provenance apply to a file. */
  checks: CheckName[];
}

const GIB = 1024 * 1024 * 1024;

/** A release asset: GitHub keeps each under 2 GiB. Hashed in chunks, never held in memory. */
export const RELEASE_FILE: InputFileOptions = {
  input: 'file',
  maxBytes: 2 * GIB,
  what: 'a release file',
};

/** A bundle is a few KiB; anything far larger is not one. */
export const BLOB_BUNDLE_FILE: InputFileOptions = {
  input: 'bundle',
  maxBytes: 8 * 1024 * 1024,
  what: 'a Sigstore bundle (cosign sign-blob --bundle)',
};

/** One line per release file. */
export const CHECKSUMS_FILE: InputFileOptions = {
  input: 'checksums',
  maxBytes: 16 * 1024 * 1024,
  what: 'a checksums file (sha256sum format)',
};

/** The generic generator's attestation: one DSSE envelope per line. */
export const PROVENANCE_FILE: InputFileOptions = {
  input: 'provenance-path',
  maxBytes: 64 * 1024 * 1024,
  what: 'SLSA provenance (.intoto.jsonl)',
};

export const FILE_CHECKS: readonly CheckName[] = ['signature', 'provenance'];

/**
 * The checks for a file: signature, and provenance when its attestation is given. The default
 * list (the action's default input) means exactly that; a list naming an SBOM or VEX check is
 * refused, and provenance asked for by name needs provenance-path.
 */
export function fileChecks(checks: readonly CheckName[], provenancePath: string | undefined): CheckName[] {
  if (checks.join(',') === DEFAULT_CHECKS.join(',')) {
    return provenancePath === undefined ? ['signature'] : ['signature', 'provenance'];
  }
  const other = checks.filter((c) => !FILE_CHECKS.includes(c));
  if (other.length > 0) {
    throw new InputError(
      `${other.join(', ')} not accepted for a file; a file has the checks signature and provenance.`,
      { input: 'checks' },
    );
  }
  if (checks.includes('provenance') && provenancePath === undefined) {
    throw new InputError(
      'provenance of a file needs provenance-path (the .intoto.jsonl of the SLSA generic generator).',
      { input: 'checks' },
    );
  }
  const out = [...checks];
  if (provenancePath !== undefined && !out.includes('provenance')) out.push('provenance');
  return out;
}

/** The bundle beside a signed file, as cosign sign-blob --bundle is told to write it. */
export function defaultBundle(signed: string): string {
  return `${signed}.sigstore.json`;
}

/**
 * Every path checked before anything runs. A missing bundle is not an input error: it is the
 * signature check's failure, naming the path it looked at.
 */
export function checkFileTarget(target: FileTarget, checks: readonly CheckName[]): CheckedFileTarget {
  const given = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);
  const bundleInput = given(target.bundle);
  const checksums = given(target.checksums);
  const provenancePath = given(target.provenancePath);
  checkInputFile(target.file, RELEASE_FILE);
  if (checksums !== undefined) checkInputFile(checksums, CHECKSUMS_FILE);
  if (provenancePath !== undefined) checkInputFile(provenancePath, PROVENANCE_FILE);
  const signed = checksums ?? target.file;
  const bundle = bundleInput ?? defaultBundle(signed);
  if (existsSync(bundle)) checkInputFile(bundle, BLOB_BUNDLE_FILE);
  else if (bundleInput !== undefined) {
    throw new InputError(`${bundle} does not exist; give the Sigstore bundle cosign sign-blob wrote.`, {
      input: 'bundle',
    });
  }
  const out: CheckedFileTarget = {
    file: target.file,
    signed,
    bundle,
    bundleGiven: bundleInput !== undefined,
    checks: fileChecks(checks, provenancePath),
  };
  if (checksums !== undefined) out.checksums = checksums;
  if (provenancePath !== undefined) out.provenancePath = provenancePath;
  return out;
}

/** The name a checksums file lists the file under: its base name. */
export function listedName(file: string): string {
  return path.basename(file);
}

/**
 * The SHA-256 a sha256sum-format file lists for `name` (`<hex>  <name>`, or `<hex> *<name>` in
 * binary mode), undefined when it is not listed; a name listed twice with different digests is
 * refused as ambiguous.
 */
export function listedDigest(text: string, name: string): { hex?: string; problem?: string } {
  const found = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line);
    if (match === null) continue;
    const listed = (match[2] as string).replace(/^\.\//, '');
    if (listed === name) found.add((match[1] as string).toLowerCase());
  }
  if (found.size > 1) return { problem: `lists ${name} more than once with different digests` };
  const [hex] = [...found];
  return hex === undefined ? { problem: `does not list ${name}` } : { hex };
}
