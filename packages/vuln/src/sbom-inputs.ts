import { ACTION_INPUT_NAMES, ReleaseActionsError, type ErrorOptions } from '@release-actions/core';
import type { PlatformManifest } from '@release-actions/oci';
import * as sbom from '@release-actions/sbom';
import type { DescribedSubject, LoadedManifest, PlatformSelection } from '@release-actions/sbom';

/**
 * The sbom package's checks of a platforms manifest and a platform selection, with errors that
 * name the input they concern (`sbom-manifest`, `platforms`) through the `input` option, so each
 * front end names it its own way. The sbom package's checks put the name given to them in front
 * of their messages; the name is taken off again and becomes the error's input.
 */
function naming<T>(input: string, check: (what: string) => T): T {
  const what = ACTION_INPUT_NAMES(input);
  try {
    return check(what);
  } catch (error) {
    const prefix = `${what}: `;
    if (!(error instanceof ReleaseActionsError) || error.input !== undefined) throw error;
    if (!error.message.startsWith(prefix)) throw error;
    const Same = error.constructor as new (message: string, options: ErrorOptions<string>) => Error;
    throw new Same(error.message.slice(prefix.length), { input, code: error.code, cause: error.cause });
  }
}

export function readManifest(file: string): LoadedManifest {
  return naming('sbom-manifest', (what) => sbom.readManifest(file, what));
}

export function parsePlatformSelection(value: string): PlatformSelection {
  return naming('platforms', (what) => sbom.parsePlatformSelection(value, what));
}

export function selectPlatforms(
  available: readonly PlatformManifest[],
  selection: PlatformSelection,
  subject: string,
): PlatformManifest[] {
  return naming('platforms', (what) => sbom.selectPlatforms(available, selection, what, subject));
}

export function checkDescribes(
  subject: DescribedSubject,
  digest: string,
  options: { what: string; input: string },
): void {
  naming(options.input, (what) => sbom.checkDescribes(subject, digest, { what: `${what}: ${options.what}` }));
}
