import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../harness/run-bundle.js';

/**
 * The SARIF 2.1.0 JSON schema (vendored from oasis-tcs/sarif-spec, see test/fixtures/vuln/SOURCES.md),
 * compiled once with ajv for JSON Schema draft-04 and its standard formats (uri, date-time, ...).
 */
const schema = JSON.parse(
  readFileSync(path.join(repoRoot, 'test', 'fixtures', 'vuln', 'sarif-schema-2.1.0.json'), 'utf8'),
) as object;
// Both are CommonJS modules whose `default` export is also a property of module.exports.
const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
ajvFormats.default(ajv);
const validate = ajv.compile(schema);

/** Schema errors of a SARIF log, as readable lines (empty when valid). */
export function sarifErrors(log: unknown): string[] {
  if (validate(log)) return [];
  return (validate.errors ?? []).slice(0, 20).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

/** Rules of the first run that lack a numeric security-severity between 0 and 10. */
export function rulesWithoutSecuritySeverity(log: {
  runs: { tool: { driver: { rules?: { id: string; properties?: Record<string, unknown> }[] } } }[];
}): string[] {
  return (log.runs[0]?.tool.driver.rules ?? [])
    .filter((rule) => {
      const value = rule.properties?.['security-severity'];
      const score = typeof value === 'string' ? Number(value) : Number.NaN;
      return !(typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) && score >= 0 && score <= 10);
    })
    .map((rule) => rule.id);
}
