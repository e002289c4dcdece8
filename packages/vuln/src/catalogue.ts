import { InputError } from '@release-actions/core';
import { InvalidSbomError, readSbom } from '@release-actions/sbom';
import type { VulnErrorCode } from './errors.js';
import type { ScanSource } from './grype.js';
import type { Evaluation } from './policy.js';

/**
 * An empty catalogue is not a pass: grype finds nothing in an SBOM that lists nothing, so a syft
 * run that catalogued no packages (wrong platform, a scratch image, an unsupported layout) would
 * otherwise sail through the gate. grype's JSON report carries no package list or count, so this
 * can be checked only where we hold the catalogue: an SBOM given to scan.
 */
export async function catalogueSize(source: ScanSource): Promise<number | undefined> {
  if (source.kind !== 'sbom') return undefined;
  try {
    return readSbom(source.value, { input: 'sbom' }).packages.length;
  } catch (error) {
    if (error instanceof InvalidSbomError) {
      throw new InputError<VulnErrorCode>(
        `${error.message} The gate reads the SBOM's packages itself; give SPDX JSON, CycloneDX JSON or syft JSON.`,
        { input: 'sbom', code: 'SBOM_INVALID' },
      );
    }
    throw error;
  }
}

export function emptyCatalogueReason(): string {
  return 'the SBOM lists 0 packages: nothing was scanned; an empty catalogue is not a pass';
}

/**
 * Adds the empty-catalogue reason to a verdict when the SBOM scanned listed no package, unless the
 * caller said none is expected (a chart directory).
 */
export function withCatalogue(
  evaluation: Evaluation,
  packages: number | undefined,
  allowEmpty = false,
): Evaluation {
  if (packages !== 0 || allowEmpty) return evaluation;
  return { ...evaluation, verdict: 'fail', reasons: [...evaluation.reasons, emptyCatalogueReason()] };
}
