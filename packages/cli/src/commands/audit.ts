import { Option, type Command } from 'commander';
import { writeFileSync } from 'node:fs';
import {
  auditPaths,
  auditSources,
  fixFiles,
  formatJson,
  formatSarif,
  formatText,
  loadConfig,
  selectFindings,
  severityOverrides,
  SEVERITIES,
  unifiedDiff,
  verdict,
  type Severity,
} from '@release-actions/audit';
import { action, type CommandContext } from '../program.js';

interface AuditFlags {
  format: 'text' | 'json' | 'sarif';
  minSeverity: Severity;
  failOn: Severity | 'none';
  config?: string;
  output?: string;
  fix?: boolean;
  dryRun?: boolean;
}

export function registerAudit(program: Command, context: CommandContext): void {
  program
    .command('audit')
    .description(
      'Check workflows and composite actions for supply-chain hardening (pinning, harden-runner, credentials, permissions, triggers, injection, caches). Offline.',
    )
    .argument('[paths...]', 'workflow files or folders (default: .github/workflows and every action.yml)')
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'),
    )
    .addOption(
      new Option('--min-severity <severity>', 'show findings at or above')
        .choices([...SEVERITIES])
        .default('low'),
    )
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above')
        .choices([...SEVERITIES, 'none'])
        .default('high'),
    )
    .option('--config <file>', 'config file (default: .github/release-actions-audit.yml when present)')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option(
      '--fix',
      'apply the safe fixes (persist-credentials: false, permissions, secrets into env:) and audit the result',
    )
    .option('--dry-run', 'with --fix: print the changes as a unified diff and write nothing')
    .action((paths: string[], flags: AuditFlags) =>
      action(async () => {
        const cwd = process.cwd();
        const logger = context.logger();
        const config = loadConfig(cwd, flags.config);
        if (flags.dryRun && !flags.fix) logger.warning('--dry-run has no effect without --fix.');
        let result;
        if (flags.fix) {
          const fixes = fixFiles(cwd, paths);
          if (flags.dryRun) {
            context.out(fixes.map((f) => unifiedDiff(f.file, f.before, f.after)).join(''));
            for (const f of fixes) for (const s of f.skipped) logger.warning(`${f.file}: not fixed: ${s}`);
            return 0;
          }
          for (const f of fixes) {
            if (f.after !== f.before && f.path) {
              writeFileSync(f.path, f.after);
              logger.info(`${f.file}: fixed ${f.fixed.map((x) => x.rule).join(', ')}`);
            }
            for (const s of f.skipped) logger.warning(`${f.file}: not fixed: ${s}`);
          }
          result = auditSources(
            fixes.map((f) => ({ file: f.file, text: f.after })),
            { config, logger },
          );
        } else {
          result = auditPaths(cwd, paths, { config, logger });
        }
        const shown = selectFindings(result, flags.minSeverity);
        const report =
          flags.format === 'json'
            ? formatJson(result, shown)
            : flags.format === 'sarif'
              ? formatSarif(result, shown, { severities: severityOverrides(config) })
              : formatText(result, shown);
        if (flags.output) writeFileSync(flags.output, report);
        else context.out(report);
        // The text report already lists errors on stdout; other formats keep stdout machine-readable.
        for (const e of flags.format === 'text' && !flags.output ? [] : result.errors) {
          process.stderr.write(
            `release-actions: ${e.file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}: ${e.message}\n`,
          );
        }
        return verdict(result, flags.failOn, shown);
      }),
    );
}
