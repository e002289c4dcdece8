import { readFileSync } from 'node:fs';
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
