import {
  actionLogger,
  readBoolean,
  readEnum,
  readList,
  readPath,
  readSecret,
  readString,
  runAction,
  setOutput,
  writeSummary,
} from '@release-actions/kit';
import { code, Markdown } from '@release-actions/core';
import { withRegistrySession } from '@release-actions/oci';
import {
  CHECK_NAMES,
  cliCommand,
  emitCommands,
  parseChecks,
  policyLine,
  reportFailure,
  reportJson,
  reportRows,
  reportText,
  TABLE_HEADERS,
  TRANSPARENCY_LOG_MODES,
  verdictLine,
  verifyRelease,
  type IdentityOptions,
  type VerifyReport,
} from '@release-actions/verify';
import os from 'node:os';
import path from 'node:path';

function summaryOf(report: VerifyReport, command: string): Markdown {
  const summary = new Markdown().heading('Verification').paragraph(verdictLine(report));
  if (report.warning) summary.paragraph(`> [!WARNING]\n> ${report.warning}`);
  summary
    .paragraph(
      `Policy: ${policyLine(report.policy)}; identity ${code(report.policy.identityRegexp)}; engine ${report.engine}.`,
    )
    .table(TABLE_HEADERS, reportRows(report))
    .paragraph('Reproduce by hand:')
    .codeBlock([command, ...report.commands].join('\n'), 'sh');
  return summary;
}

await runAction(async () => {
  const logger = actionLogger;
  const image = readString('image', { required: true });
  const repository = readString('repository', { required: true });
  const signer =
    readEnum('signer', ['reusable-workflow', 'workflow'] as const, { default: 'reusable-workflow' }) ??
    'reusable-workflow';
  const identity: IdentityOptions = {
    repository,
    signer,
    workflow: readString('workflow'),
    sourceRefPattern: readString('source-ref-pattern'),
    sourceRef: readString('source-ref'),
    workflowRefPattern: readString('workflow-ref-pattern'),
    workflowCommit: readString('workflow-commit'),
    trigger: readString('trigger'),
    refPattern: readString('ref-pattern'),
    issuer: readString('oidc-issuer'),
    identityRegexp: readString('certificate-identity-regexp'),
    allowUnanchored: readBoolean('allow-unanchored', { default: false }),
  };
  const checks = parseChecks(readList('checks', { accepted: CHECK_NAMES }));
  const sourceTag = readString('source-tag');
  const engine = readEnum('engine', ['cosign', 'native'] as const, { default: 'cosign' }) ?? 'cosign';
  const emit = readEnum('emit', ['report', 'commands'] as const, { default: 'report' }) ?? 'report';
  const trustedRoot = readPath('trusted-root', { mustExist: 'file' });
  const key = readPath('key', { mustExist: 'file' });
  const transparencyLog =
    readEnum('transparency-log', TRANSPARENCY_LOG_MODES, { default: 'required' }) ?? 'required';
  const registryUsername = readString('registry-username');
  const registryPassword = readSecret('registry-password');
  const tempRoot = process.env.RUNNER_TEMP || os.tmpdir();

  await withRegistrySession(
    { references: [image], input: 'image', registryUsername, registryPassword, tempRoot, logger },
    async (session) => {
      if (emit === 'commands') {
        const emitted = await emitCommands({
          image,
          identity,
          checks,
          sourceTag,
          engine,
          trustedRoot,
          key,
          transparencyLog,
          client: session.client,
        });
        logger.info(emitted.markdown);
        setOutput('digest', emitted.digest);
        setOutput('commands', emitted.markdown);
        await writeSummary(new Markdown().raw(emitted.markdown));
        return;
      }
      const report = await verifyRelease({
        image,
        identity,
        checks,
        engine,
        sourceTag,
        trustedRoot,
        key,
        transparencyLog,
        client: session.client,
        dockerConfigDirectory: session.dockerConfig?.directory,
        secrets: session.secrets,
        tufCachePath: path.join(tempRoot, 'sigstore-tuf'),
        logger,
      });
      const command = cliCommand({
        image: report.reference,
        ...identity,
        checks,
        sourceTag,
        engine,
        trustedRoot,
        key,
        transparencyLog,
      });
      logger.info(reportText(report));
      logger.info(`  ${command}`);
      setOutput('verified', report.verdict === 'passed');
      setOutput('digest', report.digest);
      setOutput('report', reportJson(report));
      await writeSummary(summaryOf(report, command));
      const failure = reportFailure(report);
      if (failure) throw failure;
    },
  );
});
