import { InputError, readInputFile } from '@release-actions/core';
import { AUDITED_FILE } from './audit.js';
import { namedFiles } from './discover.js';
import { buildModel } from './model.js';
import { asMap, parseSource } from './source.js';

/** Why a file is not one the audit reads, or undefined when it is (or when the audit will say why it cannot be). */
function notAuditable(file: string): string | undefined {
  let text: string;
  try {
    text = readInputFile(file, AUDITED_FILE);
  } catch {
    return undefined; // a pipe, a device or too large: the audit says which
  }
  let source;
  try {
    source = parseSource(file, text);
  } catch {
    return undefined; // not valid YAML: the audit names the line
  }
  if (!source) return 'it is empty';
  if (buildModel(source).kind !== 'other') return undefined;
  return asMap(source, source.doc.contents)
    ? 'it has neither jobs: nor runs:'
    : 'its top level is not a mapping';
}

/**
 * A file named one by one must be a workflow or an action: auditing nothing in it and passing would
 * look like a clean result. Files found in a named folder are skipped with a note instead.
 */
export function refuseUnauditable(cwd: string, paths: readonly string[]): void {
  const refused: { given: string; reason: string }[] = [];
  for (const { given, file } of namedFiles(cwd, paths)) {
    const reason = notAuditable(file);
    if (reason) refused.push({ given, reason });
  }
  const first = refused[0];
  if (!first) return;
  const more = refused.length > 1 ? ` (and ${refused.length - 1} more)` : '';
  throw new InputError(
    `Path "${first.given}"${more} is not a workflow or an action (${first.reason}); give workflow files, action.yml / action.yaml files or folders.`,
  );
}
