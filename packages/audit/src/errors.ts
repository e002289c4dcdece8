import { InputError } from '@release-actions/core';

/**
 * Codes of the audit: AUDIT_FINDINGS blocks (a finding at or above fail-on), AUDIT_INCOMPLETE is
 * an error (a file could not be audited), YAML_SYNTAX names a file that does not parse, and
 * AUDIT_CONFIG_INVALID a config file that cannot be used as written.
 */
export type AuditErrorCode = 'AUDIT_FINDINGS' | 'AUDIT_INCOMPLETE' | 'YAML_SYNTAX' | 'AUDIT_CONFIG_INVALID';

/** A file that is not valid YAML, or holds more than one document; 1-based position of the first problem. */
export class YamlSyntaxError extends InputError<AuditErrorCode> {
  override readonly name: string = 'YamlSyntaxError';
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message, { code: 'YAML_SYNTAX' });
  }
}
