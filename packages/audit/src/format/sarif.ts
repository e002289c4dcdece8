import { pathToFileURL } from 'node:url';
import type { ArtifactLocation, Log, ReportingDescriptor } from 'sarif';
import type { AuditResult, Finding } from '../finding.js';
import { RULES, type Rule } from '../rules.js';
import { findingLevel, SECURITY_SEVERITY, type Severity } from '../severity.js';

const INFORMATION_URI = 'https://github.com/aotanami/release-actions/tree/main/audit';

/** Relative paths resolve against the checkout (%SRCROOT%); a file outside it gets a file: URI. */
function artifact(file: string): ArtifactLocation {
  return file.startsWith('/') ? { uri: pathToFileURL(file).href } : { uri: file, uriBaseId: '%SRCROOT%' };
}

function plain(markdown: string): string {
  return markdown.replace(/`/g, '');
}

function descriptor(rule: Rule, severity: Severity): ReportingDescriptor {
  return {
    id: rule.id,
    name: rule.name,
    shortDescription: { text: plain(rule.summary) },
    fullDescription: { text: plain(rule.summary) },
    help: {
      text: `${plain(rule.summary)}\n\nFix: ${plain(rule.fix)}`,
      markdown: `${rule.summary}\n\n**Fix:** ${rule.fix}\n\nSuppress one finding with a reason: \`# release-actions: ignore[${rule.id}] <why>\`.`,
    },
    helpUri: `${INFORMATION_URI}#${rule.id.toLowerCase()}`,
    defaultConfiguration: { level: findingLevel(severity) },
    properties: {
      'security-severity': SECURITY_SEVERITY[severity],
      precision: 'high',
      tags: ['security', 'supply-chain', 'github-actions'],
    },
  };
}

/** One run, every rule described (with security-severity and the fix), one result per finding. */
export function toSarif(
  result: AuditResult,
  findings: readonly Finding[],
  options: { version?: string; severities?: Partial<Record<string, Severity>> } = {},
): Log {
  const rules = [...RULES.values()];
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'release-actions audit',
            informationUri: INFORMATION_URI,
            semanticVersion: options.version ?? '0.1.0',
            rules: rules.map((r) => descriptor(r, options.severities?.[r.id] ?? r.severity)),
          },
        },
        automationDetails: { id: 'release-actions-audit/' },
        // Columns are JavaScript string offsets.
        columnKind: 'utf16CodeUnits',
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: index.get(f.rule),
          level: findingLevel(f.severity),
          message: { text: `${f.message} Fix: ${plain(f.fix)}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: artifact(f.file),
                region: { startLine: f.line, startColumn: f.column },
              },
            },
          ],
          properties: { severity: f.severity, 'security-severity': SECURITY_SEVERITY[f.severity] },
        })),
        invocations: [
          {
            executionSuccessful: result.errors.length === 0,
            toolExecutionNotifications: result.errors.map((e) => ({
              level: 'error' as const,
              message: { text: e.message },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: artifact(e.file),
                    ...(e.line ? { region: { startLine: e.line, startColumn: e.column ?? 1 } } : {}),
                  },
                },
              ],
            })),
          },
        ],
      },
    ],
  };
}

export function formatSarif(
  result: AuditResult,
  findings: readonly Finding[],
  options: { severities?: Partial<Record<string, Severity>> } = {},
): string {
  return `${JSON.stringify(toSarif(result, findings, options), null, 2)}\n`;
}
