import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError, OperationalError } from '@release-actions/core';
import { InvalidSbomError, manifestJson, parseManifest, parseSbom } from '@release-actions/sbom';
import { loadVex, parseReport, parseVex } from '@release-actions/vuln';
import {
  anyText,
  damaged,
  damagedJson,
  fixtureTexts,
  PER_INPUT_MS,
  PROPERTY_MS,
  readsCleanly,
} from './inputs.js';

/**
 * Every reader of a JSON file a user gives returns, or throws its documented error (never a
 * TypeError or RangeError from inside), and does so quickly, whatever the text.
 */

const reports = [
  ...fixtureTexts('upstream/grype/reports', '.json', 100_000),
  ...fixtureTexts('upstream/grype/golden/json', '.golden'),
];
const sboms = fixtureTexts('upstream/syft', '.json', 200_000);
const vexDocuments = fixtureTexts('vuln/vex', '.json');
const manifest = manifestJson({
  version: 1,
  subject: `ghcr.io/o/app@sha256:${'0'.repeat(64)}`,
  platforms: [
    {
      platform: 'linux/amd64',
      digest: `sha256:${'a'.repeat(64)}`,
      files: { 'spdx-json': 'sbom-spdx-linux-amd64.json', 'cyclonedx-json': 'sbom-cyclonedx.json' },
      packages: 3,
    },
  ],
});

const options = { interruptAfterTimeLimit: PROPERTY_MS, numRuns: 1000 };
/** Random text, random JSON, and the real documents cut short, damaged as text, or with a value replaced. */
const jsonText = (texts: string[]) =>
  fc.oneof(
    anyText,
    fc.jsonValue().map((v) => JSON.stringify(v)),
    damaged(texts),
    damagedJson(texts),
  );

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'json-readers-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readsCleanly', () => {
  it('fails on an error of another kind and on a slow read', async () => {
    await expect(
      readsCleanly(() => {
        throw new TypeError('inside');
      }, [InputError]),
    ).rejects.toThrow(TypeError);
    await expect(
      readsCleanly(() => new Promise((resolve) => setTimeout(resolve, PER_INPUT_MS + 100)), []),
    ).rejects.toThrow(/toBeLessThan/);
  });
});

describe('the grype report reader', () => {
  it('reads a report or throws the report error', async () => {
    await fc.assert(
      fc.asyncProperty(jsonText(reports), (text) =>
        readsCleanly(
          () => parseReport(text, 'r.json'),
          [OperationalError],
          (error) => {
            expect((error as OperationalError).code).toBe('REPORT_INVALID');
            expect(error.message).toContain('r.json');
          },
        ),
      ),
      options,
    );
  });
});

describe('the grype report reader, on fields of the wrong type', () => {
  it.each([1, true, {}, 'text'])('reads cvss, locations and fix versions of %p as absent', async (value) => {
    const match = {
      vulnerability: { id: 'CVE-1', cvss: value, fix: { versions: value, state: 'fixed' } },
      relatedVulnerabilities: [{ id: 'CVE-2', cvss: value }],
      artifact: { name: 'a', version: '1', locations: value },
    };
    const report = await parseReport(JSON.stringify({ matches: [match] }), 'r.json');
    expect(report.matches).toEqual([
      {
        vulnerability: { id: 'CVE-1', urls: [], cvss: [], fix: { versions: [], state: 'fixed' } },
        relatedVulnerabilities: [{ id: 'CVE-2', cvss: [] }],
        artifact: { name: 'a', version: '1', locations: [] },
      },
    ]);
  });
});

describe('the SBOM reader', () => {
  it('reads an SPDX, CycloneDX or syft document or throws InvalidSbomError', async () => {
    await fc.assert(
      fc.asyncProperty(jsonText(sboms), fc.boolean(), (text, strict) =>
        readsCleanly(
          () => parseSbom('s.json', text, { strict }),
          [InvalidSbomError],
          (error) => expect(error.message).toMatch(/^SBOM file s\.json /),
        ),
      ),
      options,
    );
  });
});

describe('the SBOM reader, on nesting deeper than the call stack', () => {
  const depth = 20_000;
  const nested = (leaf: string) =>
    `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[${'{"name":"c","components":['.repeat(depth)}${leaf}${']}'.repeat(depth)}]}`;

  it('reads every component', () => {
    expect(parseSbom('s.json', nested('{"name":"leaf","version":"1"}')).packages).toHaveLength(depth + 1);
  });

  it('names a bad component by the two ends of its path', () => {
    expect(() => parseSbom('s.json', nested('{"name":"leaf"},{"version":"1"}'))).toThrow(
      new InvalidSbomError(
        `SBOM file s.json has a component without name (components[0].components[0].….components[0].components[1], ${depth + 1} levels deep).`,
      ),
    );
  });
});

describe('the VEX reader', () => {
  const vexError = (error: Error) => expect((error as InputError).code).toBe('VEX_INVALID');

  it('reads an OpenVEX file or throws the VEX error', async () => {
    let count = 0;
    await fc.assert(
      fc.asyncProperty(jsonText(vexDocuments), async (text) => {
        const file = path.join(dir, `vex-${count++}.json`);
        writeFileSync(file, text);
        await readsCleanly(() => loadVex(file), [InputError], vexError);
      }),
      options,
    );
  });

  it('checks any parsed value or throws the VEX error', async () => {
    const statement = fc.dictionary(
      fc.constantFrom('vulnerability', 'status', 'products', 'subcomponents', 'justification', 'x'),
      fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.anything()),
    );
    const value = fc.oneof(
      fc.anything(),
      fc.record({
        '@context': fc.constant('https://openvex.dev/ns/v0.2.0'),
        statements: fc.array(statement),
      }),
    );
    await fc.assert(
      fc.asyncProperty(value, (data) => readsCleanly(() => parseVex(data, 'v.json'), [InputError], vexError)),
      options,
    );
  });
});

describe('the platforms manifest of the sbom step', () => {
  it('checks any parsed value or throws the manifest error', async () => {
    const value = fc.oneof(
      fc.anything(),
      jsonText([manifest]).map((text) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          return text;
        }
      }),
    );
    await fc.assert(
      fc.asyncProperty(value, (data) =>
        readsCleanly(
          () => parseManifest(data, 'm.json'),
          [InputError],
          (error) => expect((error as InputError).code).toBe('MANIFEST_INVALID'),
        ),
      ),
      options,
    );
  });
});
