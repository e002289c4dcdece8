import {
  actionLogger,
  code,
  Markdown,
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
import { openSession } from '@release-actions/sigstore';
import {
  CHECK_NAMES,
  cliCommand,
  parseChecks,
  reportFailure,
  reportJson,
  reportRows,
  reportText,
  TABLE_HEADERS,
  verdictLine,
  verifyRelease,
  type VerifyReport,
} from '@release-actions/verify';
import os from 'node:os';
import path from 'node:path';

function summaryOf(report: VerifyReport, command: string): Markdown {
  const summary = new Markdown().heading('Verification').paragraph(verdictLine(report));
  if (report.warning) summary.paragraph(`> [!WARNING]\n> ${report.warning}`);
  summary
    .paragraph(
      `Policy: ${report.policy.description} — identity ${code(report.policy.identityRegexp)}, issuer ${code(report.policy.issuer)}, repository claim ${code(report.policy.repository)}; engine ${report.engine}.`,
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
  const workflow = readString('workflow');
  const refPattern = readString('ref-pattern');
  const issuer = readString('oidc-issuer');
  const checks = parseChecks(readList('checks', { accepted: CHECK_NAMES }));
  const sourceTag = readString('source-tag');
  const identityRegexp = readString('certificate-identity-regexp');
  const allowUnanchored = readBoolean('allow-unanchored', { default: false });
  const engine = readEnum('engine', ['cosign', 'native'] as const, { default: 'cosign' }) ?? 'cosign';
  const trustedRoot = readPath('trusted-root', { mustExist: 'file' });
  const registryUsername = readString('registry-username');
  const registryPassword = readSecret('registry-password');
  const tempRoot = process.env.RUNNER_TEMP || os.tmpdir();

  const session = openSession({
    references: [image],
    referenceInput: 'image',
    registryUsername,
    registryPassword,
    tempRoot,
    logger,
  });
  try {
    const report = await verifyRelease({
      image,
      identity: { repository, signer, workflow, refPattern, issuer, identityRegexp, allowUnanchored },
      checks,
      engine,
      sourceTag,
      trustedRoot,
      client: session.client,
      dockerConfigDirectory: session.dockerConfig?.directory,
      secrets: session.secrets,
      tufCachePath: path.join(tempRoot, 'sigstore-tuf'),
      logger,
    });
    const command = cliCommand({
      image: report.reference,
      repository,
      signer,
      workflow,
      refPattern,
      issuer,
      checks,
      sourceTag,
      engine,
      trustedRoot,
    });
    logger.info(reportText(report));
    logger.info(`  ${command}`);
    setOutput('verified', report.verdict === 'passed');
    setOutput('digest', report.digest);
    setOutput('report', reportJson(report));
    await writeSummary(summaryOf(report, command));
    const failure = reportFailure(report);
    if (failure) throw failure;
  } finally {
    session.dispose();
  }
});
