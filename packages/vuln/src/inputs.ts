/**
 * What the scan action needs to read and check its inputs: an entry point of its own
 * (@release-actions/vuln/inputs), so a scan given nothing to scan, or a bad value, fails before
 * the action loads grype's runner, the report reader, the policy and the SARIF writer.
 */
export { SEVERITIES } from './severity.js';
export { DEFAULT_MAX_IGNORE_DAYS, MAX_IGNORE_DAYS_LIMIT } from './ignore.js';
export { planScan } from './selection.js';
export type { ScanSubject } from './selection.js';
export { checkScanFiles, IGNORE_FILE, REPORT_FILE, VEX_FILE } from './input-files.js';
