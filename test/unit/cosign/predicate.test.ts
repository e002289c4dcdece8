import { afterAll, describe, expect, it } from '@jest/globals';
import { InputError } from '@release-actions/core';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkPredicate, checkPredicateType, MAX_PREDICATE_BYTES } from '@release-actions/cosign';
import { repoRoot } from '../../harness/run-bundle.js';

const syft = path.join(repoRoot, 'test', 'fixtures', 'upstream', 'syft');
const spdx = path.join(syft, 'golden', 'spdx-json.image.golden.json');
const cyclonedx = path.join(syft, 'golden', 'cyclonedx-json-1.6.image.golden.json');
const cyclonedx14 = path.join(syft, 'real', 'alpine.syft-0.58.0.cyclonedx-1.4.json');
const spdxReal = path.join(syft, 'real', 'kubectl-linux-amd64.syft-0.90.0.spdx-2.3.json');
const syftJson = path.join(syft, 'real', 'alpine.syft-0.101.1.syft.json');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'predicate-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A sparse file: its size is real, its disk use is not. */
function sparse(name: string, size: number): string {
  const file = path.join(scratch, name);
  writeFileSync(file, '');
  truncateSync(file, size);
  return file;
}

describe('checkPredicateType', () => {
  it('accepts cosign’s names in any case and predicate type URIs', () => {
    expect(checkPredicateType('SPDXJSON', 'type')).toBe('spdxjson');
    expect(checkPredicateType('slsaprovenance1', 'type')).toBe('slsaprovenance1');
    expect(checkPredicateType('https://example.com/review/v1', 'type')).toBe('https://example.com/review/v1');
  });

  it.each(['spdx-json', 'sbom', 'ftp://example.com/x', 'https://exa mple.com'])(
    'refuses %s naming the input',
    (value) => {
      expect(() => checkPredicateType(value, 'type')).toThrow(InputError);
      expect(() => checkPredicateType(value, 'type')).toThrow(/^Input 'type': .* is not a predicate type/);
    },
  );
});

describe('checkPredicate', () => {
  it('accepts real syft SBOMs for their own types', () => {
    expect(() => checkPredicate(spdx, 'spdxjson', 'sbom-spdx')).not.toThrow();
    expect(() => checkPredicate(spdxReal, 'spdxjson', 'sbom-spdx')).not.toThrow();
    expect(() => checkPredicate(cyclonedx, 'cyclonedx', 'sbom-cyclonedx')).not.toThrow();
    expect(() => checkPredicate(cyclonedx14, 'cyclonedx', 'sbom-cyclonedx')).not.toThrow();
  });

  it('refuses an SBOM attested as the other format, saying which it is', () => {
    expect(() => checkPredicate(cyclonedx, 'spdxjson', 'sbom-spdx')).toThrow(
      /^Input 'sbom-spdx': .* is not an SPDX JSON document .*, it is a CycloneDX document;/,
    );
    expect(() => checkPredicate(spdx, 'cyclonedx', 'sbom-cyclonedx')).toThrow(
      /^Input 'sbom-cyclonedx': .* is not a CycloneDX JSON document .*, it is an SPDX document;/,
    );
    expect(() => checkPredicate(syftJson, 'spdxjson', 'predicate')).toThrow(/is not an SPDX JSON document/);
  });

  it('refuses what is not JSON for a type that needs it, but lets custom predicates be any bytes', () => {
    const text = path.join(scratch, 'notes.txt');
    writeFileSync(text, 'release notes, not JSON');
    expect(() => checkPredicate(text, 'slsaprovenance1', 'predicate')).toThrow(/is not valid JSON/);
    expect(() => checkPredicate(text, 'https://example.com/x', 'predicate')).toThrow(/is not valid JSON/);
    expect(() => checkPredicate(text, 'custom', 'predicate')).not.toThrow();
    const list = path.join(scratch, 'list.json');
    writeFileSync(list, '[1,2]');
    expect(() => checkPredicate(list, 'openvex', 'predicate')).toThrow(/is not a JSON object/);
  });

  it('checks an OpenVEX document by its context', () => {
    const vex = path.join(scratch, 'vex.json');
    writeFileSync(vex, JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', statements: [] }));
    expect(() => checkPredicate(vex, 'openvex', 'predicate')).not.toThrow();
    expect(() => checkPredicate(spdx, 'openvex', 'predicate')).toThrow(/is not an OpenVEX document/);
  });

  it('allows exactly the limit and refuses one byte more, with both numbers', () => {
    expect(MAX_PREDICATE_BYTES).toBe(16 * 1024 * 1024);
    expect(() =>
      checkPredicate(sparse('at-limit.bin', MAX_PREDICATE_BYTES), 'custom', 'predicate'),
    ).not.toThrow();
    const over = sparse('over.bin', MAX_PREDICATE_BYTES + 1);
    expect(() => checkPredicate(over, 'custom', 'predicate')).toThrow(
      /is 16\.0 MiB \(16777217 bytes\), over the 16\.0 MiB \(16777216 bytes\) limit/,
    );
  });

  it('refuses an empty file', () => {
    const empty = path.join(scratch, 'empty.json');
    writeFileSync(empty, '');
    expect(() => checkPredicate(empty, 'cyclonedx', 'sbom-cyclonedx')).toThrow(/is empty/);
  });
});
