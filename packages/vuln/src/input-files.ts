import { checkInputFile, type InputFileOptions } from '@release-actions/core';
import type { VulnErrorCode } from './errors.js';

/**
 * The files a scan reads from paths the user gave, with what each may be (docs/errors.md, "Files
 * you give"): the same checks whether the front end looks at them first or the gate reads them.
 */

/**
 * A grype report of tens of thousands of matches is some hundreds of MiB; the gate reads it a
 * match at a time, so it may be as large as the largest SBOM.
 */
export const REPORT_FILE: InputFileOptions<VulnErrorCode> = {
  input: 'report',
  maxBytes: 512 * 1024 * 1024,
  what: 'a grype JSON report',
  code: 'REPORT_INVALID',
};

/** An ignore file is a list of rules a person reviews: a few KiB, never megabytes. */
export const IGNORE_FILE: InputFileOptions<VulnErrorCode> = {
  input: 'ignore-file',
  maxBytes: 4 * 1024 * 1024,
  what: 'a YAML file of ignore rules',
  code: 'IGNORE_RULE_INVALID',
};

/** An OpenVEX document of thousands of statements is a few MiB. */
export const VEX_FILE: InputFileOptions<VulnErrorCode> = {
  input: 'vex',
  maxBytes: 16 * 1024 * 1024,
  what: 'an OpenVEX JSON document',
  code: 'VEX_INVALID',
};

/**
 * The files a scan names, checked before anything else happens (each front end calls this first;
 * the gate reads them later, after it planned the scan or grype ran).
 */
export function checkScanFiles(request: {
  report?: string;
  policy: { ignoreFile?: string; vexFiles?: readonly string[] };
}): void {
  if (request.report !== undefined) checkInputFile(request.report, REPORT_FILE);
  if (request.policy.ignoreFile !== undefined) checkInputFile(request.policy.ignoreFile, IGNORE_FILE);
  for (const file of request.policy.vexFiles ?? []) checkInputFile(file, VEX_FILE);
}
