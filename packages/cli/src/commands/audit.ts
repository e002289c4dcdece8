import { Option, type Command } from 'commander';
import {
  auditWorkflows,
  errorLocation,
  previewWorkflowFixes,
  renderAuditReport,
  REPORT_FORMATS,
  SEVERITIES,
  verdict,
  type ReportFormat,
  type Severity,
} from '@release-actions/audit';
import { enforceVerdict, type TextStyle } from '@release-actions/core';
import { reporting } from '../output.js';
import { action, type CommandContext } from '../program.js';

interface AuditFlags {
  minSeverity: Severity;
  failOn: Severity | 'none';
  config?: string;
  fix?: boolean;
  dryRun?: boolean;
}

/** The verdict word, coloured: green passed, red blocked or error. */
export function verdictWord(outcome: 'passed' | 'blocked' | 'error', style: TextStyle): string {
  return outcome === 'passed' ? style.green(outcome) : style.red(outcome);
}

export function registerAudit(program: Command, context: CommandContext): void {
  reporting(program.command('audit'), { formats: REPORT_FORMATS })
    .description(
      'Check workflows and composite actions for supply-chain hardening (pinning, harden-runner, credentials, permissions, triggers, injection, caches). Offline.',
    )
    .argument(
      '[paths...]',
      'workflow or action files, or folders (default: .github/workflows and every action.yml of the repository; outside one, those under .github)',
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
          context.emit(await previewWorkflowFixes({ cwd, paths, logger }));
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
        const judged = verdict(report);
        const shown = (format: ReportFormat) => () => renderAuditReport(report, format);
        context.report({
          text: shown('text'),
          json: shown('json'),
          sarif: shown('sarif'),
          // The text is grep-style lines with the counts last; -q prints the verdict alone.
          verdict: (style) => `Audit ${verdictWord(judged.outcome, style)}: ${judged.message}`,
        });
        // The text report already lists errors on stdout; other formats keep stdout machine-readable.
        if (context.format !== 'text' || context.output !== undefined || context.quiet) {
          for (const e of report.result.errors)
            process.stderr.write(`release-actions: ${errorLocation(e)}: ${e.message}\n`);
        }
        enforceVerdict(judged);
      }),
    );
}
