import { InputError, readInputFile } from '@release-actions/core';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isMap, isSeq } from 'yaml';
import { parseYamlDocument } from '@release-actions/core/yaml-document';
import type { AuditErrorCode } from './errors.js';
import { DEFAULT_CONFIG_PATH } from './discover.js';
import { matchesPath } from './glob.js';
import { isRuleId, RULE_IDS, type RuleId } from './rules.js';
import { isSeverity, SEVERITIES, type Severity } from './severity.js';

/** `.github/release-actions-audit.yml`: every change to the defaults carries its reason. */
export interface AuditConfig {
  file?: string;
  rules: Partial<Record<RuleId, { disabled: boolean; severity?: Severity; reason: string }>>;
  ignore: { path: string; rules?: RuleId[]; reason: string }[];
}

export const EMPTY_CONFIG: AuditConfig = { rules: {}, ignore: [] };

function fail(file: string, message: string): never {
  throw new InputError<AuditErrorCode>(`Audit config ${file}: ${message}`, { code: 'AUDIT_CONFIG_INVALID' });
}

function reasonOf(file: string, where: string, value: Record<string, unknown>): string {
  const reason = value.reason;
  if (typeof reason !== 'string' || reason.trim() === '') {
    fail(file, `${where} has no reason; every entry must say why (reason: ...).`);
  }
  return reason.trim();
}

function checkKeys(file: string, where: string, value: Record<string, unknown>, allowed: string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      fail(file, `${where}: unknown key "${key}"; accepted: ${allowed.join(', ')}.`);
  }
}

export function parseConfig(file: string, text: string): AuditConfig {
  const doc = parseYamlDocument(text);
  if (doc.errors.length > 0) fail(file, `not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  if (doc.contents === null) return { file, ...EMPTY_CONFIG };
  if (!isMap(doc.contents)) fail(file, 'must be a mapping with rules: and/or ignore:.');
  let data: Record<string, unknown>;
  try {
    data = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  } catch (error) {
    fail(file, error instanceof Error ? error.message : String(error));
  }
  checkKeys(file, 'top level', data, ['rules', 'ignore']);
  const config: AuditConfig = { file, rules: {}, ignore: [] };

  const rules = data.rules ?? {};
  if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) {
    fail(file, 'rules: must map rule ids to { disabled | severity, reason }.');
  }
  for (const [id, value] of Object.entries(rules as Record<string, unknown>)) {
    const where = `rules.${id}`;
    if (!isRuleId(id)) fail(file, `${where}: unknown rule; known rules: ${RULE_IDS.join(', ')}.`);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      fail(file, `${where} must be a mapping with disabled: true or severity:, and reason:.`);
    }
    const entry = value as Record<string, unknown>;
    checkKeys(file, where, entry, ['disabled', 'severity', 'reason']);
    const reason = reasonOf(file, where, entry);
    if (entry.disabled !== undefined && typeof entry.disabled !== 'boolean') {
      fail(file, `${where}.disabled must be true or false.`);
    }
    if (entry.severity !== undefined && !isSeverity(entry.severity)) {
      fail(file, `${where}.severity "${String(entry.severity)}" is not one of ${SEVERITIES.join(', ')}.`);
    }
    if (entry.disabled !== true && entry.severity === undefined) {
      fail(file, `${where} changes nothing; give disabled: true or a severity.`);
    }
    config.rules[id] = {
      disabled: entry.disabled === true,
      severity: entry.severity as Severity | undefined,
      reason,
    };
  }

  const ignore = data.ignore ?? [];
  if (!isSeq(doc.get('ignore')) && data.ignore !== undefined)
    fail(file, 'ignore: must be a list of { path, rules?, reason }.');
  (ignore as unknown[]).forEach((value, index) => {
    const where = `ignore[${index}]`;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      fail(file, `${where} must be a mapping with path:, optional rules:, and reason:.`);
    }
    const entry = value as Record<string, unknown>;
    checkKeys(file, where, entry, ['path', 'rules', 'reason']);
    const reason = reasonOf(
      file,
      `${where}${typeof entry.path === 'string' ? ` (${entry.path})` : ''}`,
      entry,
    );
    if (typeof entry.path !== 'string' || entry.path === '')
      fail(file, `${where} needs a path: (a file or glob).`);
    let ruleList: RuleId[] | undefined;
    if (entry.rules !== undefined) {
      if (!Array.isArray(entry.rules) || !entry.rules.every(isRuleId)) {
        fail(file, `${where}.rules must be a list of rule ids (${RULE_IDS.join(', ')}).`);
      }
      ruleList = entry.rules as RuleId[];
    }
    config.ignore.push({ path: entry.path, rules: ruleList, reason });
  });
  return config;
}

/** Reads the given config, or the default one when present; a missing explicit file is an error. */
export function loadConfig(cwd: string, explicit?: string): AuditConfig {
  const file = explicit ?? DEFAULT_CONFIG_PATH;
  const resolved = path.resolve(cwd, file);
  if (!existsSync(resolved)) {
    if (explicit !== undefined) throw new InputError(`"${explicit}" does not exist.`, { input: 'config' });
    return EMPTY_CONFIG;
  }
  // A config lists a few rules and exceptions; a file of megabytes is not one.
  const text = readInputFile<AuditErrorCode>(resolved, {
    input: 'config',
    maxBytes: 1024 * 1024,
    what: 'an audit config YAML file',
    code: 'AUDIT_CONFIG_INVALID',
  });
  return parseConfig(file, text);
}

export function isIgnored(config: AuditConfig, file: string, rule: RuleId): boolean {
  return config.ignore.some((i) => matchesPath(i.path, file) && (!i.rules || i.rules.includes(rule)));
}
