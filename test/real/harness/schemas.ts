import Ajv, { type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import ajvFormatsDraft2019 from 'ajv-formats-draft2019';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../harness/run-bundle.js';

/**
 * The official SPDX 2.3 and CycloneDX JSON schemas (vendored, see test/fixtures/schemas/SOURCES.md),
 * compiled with ajv (draft-07, the draft both are written in) and the standard formats (with the
 * internationalised ones CycloneDX uses).
 */
const dir = path.join(repoRoot, 'test', 'fixtures', 'schemas');
const read = (...parts: string[]): object =>
  JSON.parse(readFileSync(path.join(dir, ...parts), 'utf8')) as object;

// Both are CommonJS modules whose `default` export is also a property of module.exports.
function compiler(): Ajv.default {
  const ajv = new Ajv.default({ allErrors: true, strict: false });
  ajvFormats.default(ajv);
  // CycloneDX uses iri-reference and idn-email, which ajv-formats does not define.
  ajvFormatsDraft2019(ajv, { formats: ['iri-reference', 'idn-email'] });
  return ajv;
}

let spdx: ValidateFunction | undefined;
const cyclonedx = new Map<string, ValidateFunction>();

function lines(validate: ValidateFunction): string[] {
  return (validate.errors ?? []).slice(0, 20).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

/** Schema errors of an SPDX 2.3 JSON document, as readable lines (empty when valid). */
export function spdxSchemaErrors(doc: unknown): string[] {
  spdx ??= compiler().compile(read('spdx', 'spdx-schema.json'));
  return spdx(doc) ? [] : lines(spdx);
}

/**
 * Schema errors of a CycloneDX JSON BOM against the schema of its own specVersion; a version
 * without a vendored schema is an error (vendor it), not a pass.
 */
export function cyclonedxSchemaErrors(doc: { specVersion?: unknown }): string[] {
  const version = String(doc.specVersion);
  let validate = cyclonedx.get(version);
  if (validate === undefined) {
    const file = `bom-${version}.schema.json`;
    const files = readdirSync(path.join(dir, 'cyclonedx'));
    if (!files.includes(file)) return [`no vendored CycloneDX schema ${file} (have ${files.join(', ')})`];
    const ajv = compiler();
    // The BOM schema $refs these by their $id.
    for (const other of ['spdx.schema.json', 'jsf-0.82.schema.json', 'cryptography-defs.schema.json'])
      ajv.addSchema(read('cyclonedx', other));
    validate = ajv.compile(read('cyclonedx', file));
    cyclonedx.set(version, validate);
  }
  return validate(doc) ? [] : lines(validate);
}
