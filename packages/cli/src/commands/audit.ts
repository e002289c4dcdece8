import { Option, type Command } from 'commander';
import { writeFileSync } from 'node:fs';
import {
  auditWorkflows,
  errorLocation,
  previewFixes,
  renderAuditReport,
  REPORT_FORMATS,
  SEVERITIES,
  verdict,
  type ReportFormat,
  type Severity,
} from '@release-actions/audit';
import { enforceVerdict } from '@release-actions/core';
import { action, type CommandContext } from '../program.js';

interface AuditFlags {
  format: ReportFormat;
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
    .addOption(new Option('--format <format>', 'output format').choices(REPORT_FORMATS).default('text'))
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
        if (flags.dryRun && !flags.fix) logger.warning('--dry-run has no effect without --fix.');
        if (flags.fix && flags.dryRun) {
          context.out(previewFixes(cwd, paths, logger));
          return;
        }
        const report = await auditWorkflows({
          cwd,
          paths,
          config: flags.config,
          minSeverity: flags.minSeverity,
          failOn: flags.failOn,
          fix: flags.fix,
          logger,
        });
        const text = renderAuditReport(report, flags.format);
        if (flags.output) writeFileSync(flags.output, text);
        else context.out(text);
        // The text report already lists errors on stdout; other formats keep stdout machine-readable.
        if (flags.format !== 'text' || flags.output) {
          for (const e of report.result.errors)
            process.stderr.write(`release-actions: ${errorLocation(e)}: ${e.message}\n`);
        }
        enforceVerdict(verdict(report));
      }),
    );
}
