import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { GrypeMatch, GrypeReport } from '@release-actions/vuln';
import { grypeFixtures } from './expected.js';

export function loadReport(relative: string): GrypeReport {
  return JSON.parse(readFileSync(path.join(grypeFixtures, relative), 'utf8')) as GrypeReport;
}

export const CHECK_ALL = 'reports/check-all-fields.grype-0.28.0.json';
export const BUSYBOX = 'reports/busybox-binary.grype-0.94.0.json';
export const NGINX = 'reports/nginx-debian10.grype.json';
export const IMGS = 'golden/json/TestJsonImgsPresenter.golden';

/** A small match for policy tests, shaped like grype's. */
export function match(
  id: string,
  severity: string,
  options: { name?: string; version?: string; fix?: string; purl?: string; related?: string[] } = {},
): GrypeMatch {
  return {
    vulnerability: {
      id,
      severity,
      dataSource: `https://nvd.nist.gov/vuln/detail/${id}`,
      urls: [],
      cvss: [],
      fix: options.fix ? { versions: [options.fix], state: 'fixed' } : { versions: [], state: 'not-fixed' },
    },
    relatedVulnerabilities: (options.related ?? []).map((rid) => ({ id: rid })),
    artifact: {
      name: options.name ?? 'openssl',
      version: options.version ?? '3.0.1',
      type: 'deb',
      purl:
        options.purl ??
        `pkg:deb/debian/${options.name ?? 'openssl'}@${options.version ?? '3.0.1'}?arch=amd64`,
      locations: [{ path: '/var/lib/dpkg/status' }],
    },
  };
}

export function reportOf(matches: GrypeMatch[]): GrypeReport {
  return {
    matches,
    source: { type: 'image', target: { userInput: 'ghcr.io/aotanami/app:1.0' } },
    descriptor: { name: 'grype', version: '0.94.0' },
  };
}

/** A digest made of one repeated hex character: `digest('a')` is sha256:aaaa…. */
export const digest = (c: string): string => `sha256:${c.repeat(64)}`;

/**
 * The sbom step's platforms manifest in `dir` for linux/amd64 (digest a) and linux/arm/v7
 * (digest b), each platform's SBOM syft's CycloneDX golden describing that digest (2 packages).
 */
export function writePlatformsManifest(dir: string): string {
  const golden = path.join(grypeFixtures, '..', 'syft', 'golden', 'cyclonedx-json-1.6.image.golden.json');
  const platforms = [
    ['linux/amd64', digest('a')],
    ['linux/arm/v7', digest('b')],
  ].map(([platform, platformDigest]) => {
    const cdx = JSON.parse(readFileSync(golden, 'utf8'));
    cdx.metadata.component.version = platformDigest;
    const name = `sbom-cyclonedx-${platform!.replace(/\//g, '-')}.json`;
    writeFileSync(path.join(dir, name), JSON.stringify(cdx));
    return { platform, digest: platformDigest, 'cyclonedx-json': name, packages: 2 };
  });
  const file = path.join(dir, 'sbom-platforms.json');
  writeFileSync(file, JSON.stringify({ version: 1, subject: `ghcr.io/o/app@${digest('0')}`, platforms }));
  return file;
}
