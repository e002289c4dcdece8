import { InputError, OperationalError, type ErrorOptions } from '@release-actions/core';

/**
 * The codes the sbom step's errors carry (the `::error` title, what a script branches on);
 * input problems without a code of their own are `INPUT_INVALID`.
 */
export type SbomErrorCode =
  'SYFT_FAILED' | 'SBOM_INVALID' | 'SBOM_SUBJECT_MISMATCH' | 'PLATFORM_NOT_FOUND' | 'MANIFEST_INVALID';

/** An SBOM file is missing, empty, not JSON, or not the format it should be; the message names the file. */
export class InvalidSbomError extends OperationalError<SbomErrorCode> {
  override readonly name: string = 'InvalidSbomError';
  constructor(message: string, options: ErrorOptions<SbomErrorCode> = {}) {
    super(message, { code: 'SBOM_INVALID', ...options });
  }
}

/** Raised when an SBOM is about another image than the digest it is to gate or be attested on. */
export class SbomSubjectError extends InputError<SbomErrorCode> {
  override readonly name: string = 'SbomSubjectError';
  constructor(message: string, options: ErrorOptions<SbomErrorCode> = {}) {
    super(message, { code: 'SBOM_SUBJECT_MISMATCH', ...options });
  }
}
