import { describe, expect, it } from '@jest/globals';
import { InputError } from '@release-actions/core';
import { loadVex, parseVex, purlKey, vexDecision } from '@release-actions/vuln';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../harness/run-bundle.js';
import { match } from './fixtures.js';

const vexDir = path.join(repoRoot, 'test', 'fixtures', 'vuln', 'vex');
const doc = (statements: unknown[]) => ({ '@context': 'https://openvex.dev/ns/v0.2.0', statements });

describe('OpenVEX', () => {
  it('reads v0.2.0 statements with image products and their subcomponents', async () => {
    const statements = await loadVex(path.join(vexDir, 'check-all-fields.openvex.json'));
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatchObject({
      index: 1,
      vulnerabilities: ['CVE-2021-33574'],
      products: ['pkg:deb/debian/libc6@2.28-10', 'pkg:deb/debian/libc-bin@2.28-10'],
      status: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
      impact: 'mq_notify is never called by the application.',
    });
    expect(statements[1]!.status).toBe('under_investigation');
  });

  it('reads v0.0.1 documents (string vulnerability and products)', async () => {
    const [statement] = await loadVex(path.join(vexDir, 'legacy-v0.0.1.openvex.json'));
    expect(statement).toMatchObject({
      vulnerabilities: ['CVE-2021-32626'],
      products: ['pkg:pypi/redis@4.0.2'],
    });
  });

  it.each([
    [{ statements: [] }, 'VEX document v.json is not OpenVEX (no "@context" https://openvex.dev/ns/...).'],
    [{ '@context': 'https://openvex.dev/ns/v0.2.0' }, 'VEX document v.json has no "statements" list.'],
    [
      doc([{ products: ['pkg:npm/a@1'], status: 'fixed' }]),
      'VEX document v.json, statement 1: no vulnerability name.',
    ],
    [
      doc([{ vulnerability: { name: 'CVE-1' }, products: ['pkg:npm/a@1'], status: 'safe' }]),
      'VEX document v.json, statement 1: status "safe" is not one of not_affected, affected, fixed, under_investigation.',
    ],
    [
      doc([{ vulnerability: { name: 'CVE-1' }, status: 'fixed' }]),
      'VEX document v.json, statement 1: no products (package URLs).',
    ],
  ])('refuses %j', (data, message) => {
    expect(() => parseVex(data, 'v.json')).toThrow(new InputError(message));
  });

  it('refuses a file that is not JSON, naming it', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'vex-')), 'v.json');
    writeFileSync(file, 'not json');
    await expect(loadVex(file)).rejects.toThrow(`VEX document ${file} is not JSON: `);
  });

  it('compares package URLs without qualifiers, subpath or case', () => {
    expect(purlKey('pkg:deb/debian/libc6@2.28-10?arch=amd64&distro=debian-10#sub')).toBe(
      'pkg:deb/debian/libc6@2.28-10',
    );
    expect(purlKey('pkg:pypi/Django@3.2.9')).toBe('pkg:pypi/django@3.2.9');
    expect(purlKey('pkg:npm/%40scope/pkg@1.0.0')).toBe('pkg:npm/@scope/pkg@1.0.0');
  });

  it('decides by the last statement naming the vulnerability (or a related id) and the package', () => {
    const statements = parseVex(
      doc([
        {
          vulnerability: { name: 'CVE-1' },
          products: [{ '@id': 'pkg:deb/debian/openssl@3.0.1' }],
          status: 'not_affected',
          justification: 'component_not_present',
        },
        {
          vulnerability: { name: 'CVE-1' },
          products: [{ '@id': 'pkg:deb/debian/openssl' }],
          status: 'affected',
        },
        {
          vulnerability: { name: 'CVE-2', aliases: ['GHSA-2'] },
          products: ['pkg:deb/debian/openssl'],
          status: 'fixed',
        },
      ]),
      'v.json',
    );
    // The versionless product of statement 2 also names openssl 3.0.1, and comes later.
    expect(vexDecision(statements, match('CVE-1', 'High'))?.status).toBe('affected');
    expect(vexDecision(statements.slice(0, 1), match('CVE-1', 'High'))?.status).toBe('not_affected');
    expect(vexDecision(statements, match('GHSA-2', 'High'))?.status).toBe('fixed');
    expect(vexDecision(statements, match('GHSA-9', 'High', { related: ['CVE-2'] }))?.status).toBe('fixed');
    expect(vexDecision(statements, match('CVE-1', 'High', { name: 'libssl' }))).toBeUndefined();
    expect(vexDecision(statements.slice(0, 1), match('CVE-1', 'High', { version: '3.0.2' }))).toBeUndefined();
  });
});
