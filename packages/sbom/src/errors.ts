import { OperationalError } from '@release-actions/core';

/** An SBOM file is missing, empty, not JSON, or not the format it should be; the message names the file. */
export class InvalidSbomError extends OperationalError {
  override readonly name: string = 'InvalidSbomError';
}
