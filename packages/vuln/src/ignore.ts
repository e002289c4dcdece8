import { InputError, readInputFile } from '@release-actions/core';
import type { VulnErrorCode } from './errors.js';
import { IGNORE_FILE } from './input-files.js';
import type { GrypeMatch } from './grype-report.js';

/**
 * Ignore rules: a finding may be accepted only with a stated reason and until a date, so that an
 * exception is reviewed instead of silently living forever. The file:
 *
 *   ignore:
 *     - id: CVE-2023-0464            # or a GHSA id; related ids (the CVE of a GHSA) match too
 *       package: openssl             # optional
 *       version: 1.1.1n-0+deb10u3    # optional
 *       reason: X.509 policy constraints are not used
 *       expires: 2026-12-31          # UTC day; the rule stops applying after it and fails the gate
 *
 * An expiry is also capped (one year from today by default, see `checkExpiryCap`): a rule dated
 * 2099 is a permanent exception in disguise, and the point of the date is that someone looks again.
 */
export interface IgnoreRule {
  /** 1-based position in the file, for messages. */
  index: number;
  id: string;
  package?: string;
  version?: string;
  reason: string;
  /** YYYY-MM-DD. */
  expires: string;
  file: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isRealDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number') return String(value);
  // A YAML 1.1 document turns an unquoted date into a timestamp.
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
  return undefined;
}

const KNOWN_KEYS: readonly string[] = ['id', 'package', 'version', 'reason', 'expires'];

/**
 * Keys of grype's own ignore rules (`.grype.yaml`) with no counterpart here: this gate matches by
 * id, package name and version only, and every rule needs a reason and an expiry.
 */
const GRYPE_ONLY_KEYS: readonly string[] = [
  'fix-state',
  'namespace',
  'vex-status',
  'vex-justification',
  'match-type',
  'include-aliases',
];

/** Names the unknown keys; people coming from grype's ignore rules are told what to write instead. */
function unknownKeys(keys: readonly string[]): string {
  const hints: string[] = [];
  if (keys.includes('vulnerability')) hints.push('use id: instead of vulnerability:');
  const grypeOnly = keys.filter((key) => GRYPE_ONLY_KEYS.includes(key));
  if (grypeOnly.length > 0) hints.push(`grype's ${grypeOnly.join(', ')} has no counterpart here`);
  const listed = keys.map((key) => `"${key}"`).join(', ');
  return `unknown key${keys.length === 1 ? '' : 's'} ${listed}; ${[...hints, `the keys are ${KNOWN_KEYS.join(', ')}`].join('; ')}.`;
}

/**
 * `package` and `version` are text. grype writes `package:` as a mapping (name, version, type,
 * location); read as absent it would make the rule match every package, so it is refused.
 */
function notText(key: 'package' | 'version', value: unknown): string {
  if (key === 'package' && typeof value === 'object' && !Array.isArray(value)) {
    const grype = value as Record<string, unknown>;
    const name = asText(grype.name) ?? '<name>';
    const version = asText(grype.version);
    return `"package" is a mapping (grype's form); write the name as text: package: ${name}${version ? ` and version: ${version}` : ''}.`;
  }
  return `"${key}" must be text (the package ${key === 'package' ? 'name' : 'version'}).`;
}

/** Validates the parsed YAML; a bad rule is an error naming the file and the rule's position. */
export function parseIgnoreRules(data: unknown, file: string): IgnoreRule[] {
  if (data === null || data === undefined) return [];
  const list =
    typeof data === 'object' && !Array.isArray(data) ? (data as { ignore?: unknown }).ignore : undefined;
  if (!Array.isArray(list)) {
    throw new InputError<VulnErrorCode>(
      `Ignore file ${file}: expected a top-level "ignore:" list of rules.`,
      { code: 'IGNORE_RULE_INVALID' },
    );
  }
  return list.map((entry: unknown, i): IgnoreRule => {
    const index = i + 1;
    const where = `Ignore file ${file}, rule ${index}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new InputError<VulnErrorCode>(`${where}: expected a mapping with id, reason and expires.`, {
        code: 'IGNORE_RULE_INVALID',
      });
    }
    const rule = entry as Record<string, unknown>;
    const unknown = Object.keys(rule).filter((key) => !KNOWN_KEYS.includes(key));
    if (unknown.length > 0) {
      throw new InputError<VulnErrorCode>(`${where}: ${unknownKeys(unknown)}`, {
        code: 'IGNORE_RULE_INVALID',
      });
    }
    for (const key of ['package', 'version'] as const) {
      const value = rule[key];
      if (value === null || value === undefined || asText(value) !== undefined || value === '') continue;
      throw new InputError<VulnErrorCode>(`${where}: ${notText(key, value)}`, {
        code: 'IGNORE_RULE_INVALID',
      });
    }
    const id = asText(rule.id);
    if (id === undefined)
      throw new InputError<VulnErrorCode>(`${where}: "id" (the vulnerability id) is required.`, {
        code: 'IGNORE_RULE_INVALID',
      });
    const reason = asText(rule.reason);
    if (reason === undefined) {
      throw new InputError<VulnErrorCode>(
        `${where} (${id}): "reason" is required; say why the finding is accepted.`,
        { code: 'IGNORE_RULE_INVALID' },
      );
    }
    const expires = asText(rule.expires);
    if (expires === undefined) {
      throw new InputError<VulnErrorCode>(`${where} (${id}): "expires" is required (a date, YYYY-MM-DD).`, {
        code: 'IGNORE_RULE_INVALID',
      });
    }
    if (!isRealDate(expires)) {
      throw new InputError<VulnErrorCode>(
        `${where} (${id}): expires "${expires}" is not a date; use YYYY-MM-DD.`,
        { code: 'IGNORE_RULE_INVALID' },
      );
    }
    return {
      index,
      id,
      package: asText(rule.package),
      version: asText(rule.version),
      reason,
      expires,
      file,
    };
  });
}

export async function loadIgnoreFile(file: string): Promise<IgnoreRule[]> {
  const text = readInputFile(file, IGNORE_FILE);
  // yaml is loaded only when an ignore file is given: it is not needed on the common path.
  const { parseYaml } = await import('@release-actions/core/yaml-document');
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new InputError<VulnErrorCode>(
      `Ignore file ${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
      { code: 'IGNORE_RULE_INVALID' },
    );
  }
  return parseIgnoreRules(data, file);
}

/** The UTC day of `now`, YYYY-MM-DD. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** A rule applies through its expiry day (UTC) and has expired from the day after. */
export function isExpired(rule: IgnoreRule, now: Date): boolean {
  return rule.expires < utcDay(now);
}

export function ruleMatches(rule: IgnoreRule, match: GrypeMatch): boolean {
  if (rule.package !== undefined && rule.package !== match.artifact.name) return false;
  if (rule.version !== undefined && rule.version !== match.artifact.version) return false;
  if (rule.id === match.vulnerability.id) return true;
  return (match.relatedVulnerabilities ?? []).some((related) => related?.id === rule.id);
}

/** `rule 2 (CVE-… in pkg@1.0) of <file>`; `file` shows the path (relative to the workspace, say). */
export function describeRule(rule: IgnoreRule, file: (path: string) => string = (path) => path): string {
  const target = [rule.package, rule.version].filter(Boolean).join('@');
  return `rule ${rule.index} (${rule.id}${target ? ` in ${target}` : ''}) of ${file(rule.file)}`;
}

/** How far ahead an ignore rule may expire unless the user says otherwise: one year. */
export const DEFAULT_MAX_IGNORE_DAYS = 365;
/** The largest cap accepted (ten years); beyond that the setting no longer means anything. */
export const MAX_IGNORE_DAYS_LIMIT = 3650;

/** The last UTC day a rule may expire on: today plus `maxDays`. */
export function latestExpiry(maxDays: number, now: Date): string {
  return utcDay(new Date(Date.parse(`${utcDay(now)}T00:00:00Z`) + maxDays * 86_400_000));
}

/**
 * Fails closed on the first rule whose expiry lies beyond the cap, naming the rule; the error is
 * the cap's input, so the front end names the setting to raise.
 */
export function checkExpiryCap(rules: readonly IgnoreRule[], maxDays: number, now: Date): void {
  const latest = latestExpiry(maxDays, now);
  for (const rule of rules) {
    if (rule.expires > latest) {
      throw new InputError<VulnErrorCode>(
        `Ignore ${describeRule(rule)} expires on ${rule.expires}, more than ${maxDays} days from today (${utcDay(now)}); the latest accepted expiry is ${latest}. Set an earlier date and review the exception then, or raise this cap (at most ${MAX_IGNORE_DAYS_LIMIT}).`,
        { input: 'max-ignore-days', code: 'IGNORE_RULE_TOO_LONG' },
      );
    }
  }
}

/** Reads the cap as given to the CLI (`--max-ignore-days`); the action reads it with the kit's readInteger. */
export function parseMaxIgnoreDays(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_MAX_IGNORE_DAYS;
  const text = value.trim();
  const parsed = Number(text);
  if (!/^\d+$/.test(text) || parsed < 1 || parsed > MAX_IGNORE_DAYS_LIMIT) {
    throw new InputError(
      `"${value}" is not accepted; give a whole number of days between 1 and ${MAX_IGNORE_DAYS_LIMIT}.`,
      { input: 'max-ignore-days' },
    );
  }
  return parsed;
}
