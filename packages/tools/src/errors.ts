/** The codes the installer reports under (the `::error` title, what a script branches on). */
export type ToolsErrorCode =
  /** The tool, the version (without its sha256) or the platform is not in the manifest. */
  | 'TOOL_UNKNOWN'
  /** The download host gave no answer (DNS, connection, TLS, timeout): offline, or a mirror is needed. */
  | 'DOWNLOAD_UNREACHABLE'
  /** The download host answered with an error, or the body ended short, after the retries allowed. */
  | 'DOWNLOAD_FAILED'
  /** The download's SHA-256 is not the one expected: it was deleted and nothing was cached. */
  | 'CHECKSUM_MISMATCH'
  /** The executable could not be unpacked from the downloaded archive. */
  | 'EXTRACT_FAILED';
