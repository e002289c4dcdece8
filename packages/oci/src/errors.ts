import { OperationalError } from '@release-actions/core';

/**
 * What went wrong with a registry, for the `::error` title and scripts (docs/errors.md). A bad
 * input (a malformed reference, an unusable login) is an InputError with the common
 * INPUT_INVALID unless a code below says more.
 */
export type OciErrorCode =
  /** A malformed image reference or digest. */
  | 'REFERENCE_INVALID'
  /** The Docker config file cannot be read or parsed. */
  | 'DOCKER_CONFIG_INVALID'
  /** The registry asks for credentials and none (usable) were given or configured. */
  | 'REGISTRY_AUTH_REQUIRED'
  /** The registry or its token service refused the credentials. */
  | 'REGISTRY_AUTH_REJECTED'
  /** The registry could not be reached, or kept failing (network, timeout, 5xx, 429), after retries: try later. */
  | 'REGISTRY_UNREACHABLE'
  /** The registry answered what the API does not allow for (an unexpected HTTP status, a missing header). */
  | 'REGISTRY_ERROR'
  /** The manifest or tag does not exist. */
  | 'MANIFEST_NOT_FOUND'
  /** The registry served content that is not what was asked for: another digest, not JSON, too large. */
  | 'CONTENT_INVALID';

/** The manifest or tag does not exist in the registry. */
export class ManifestNotFoundError extends OperationalError<OciErrorCode> {
  override readonly name: string = 'ManifestNotFoundError';
  constructor(message: string) {
    super(message, { code: 'MANIFEST_NOT_FOUND' });
  }
}
