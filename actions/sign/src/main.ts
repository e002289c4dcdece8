import {
  actionLogger,
  Markdown,
  maskSecret,
  readBoolean,
  readList,
  readMultiline,
  readPath,
  readSecret,
  readString,
  runAction,
  setOutput,
  writeSummary,
} from '@release-actions/kit';
import {
  openSession,
  signImages,
  signingOutputs,
  renderSigningSummary,
  signingRetryPolicy,
} from '@release-actions/sigstore';
import os from 'node:os';
import path from 'node:path';

await runAction(async () => {
  const logger = actionLogger;
  const images = readList('images');
  const annotations = readMultiline('annotations');
  const key = readSecret('key');
  const keyPassword = readSecret('key-password');
  const requireSignature = readBoolean('require-signature', { default: false });
  const registryUsername = readString('registry-username');
  const registryPassword = readSecret('registry-password');
  const tempRoot = process.env.RUNNER_TEMP || os.tmpdir();
  const bundleDirectory = readPath('bundle-directory') ?? path.join(tempRoot, 'sigstore-bundles');

  const session = openSession({
    references: images,
    referenceInput: 'images',
    key,
    keyPassword,
    registryUsername,
    registryPassword,
    tempRoot,
    logger,
  });
  for (const secret of session.secrets) maskSecret(secret);
  try {
    const report = await signImages({
      images,
      annotations,
      source: session.source,
      key: session.key,
      requireSignature,
      bundleDirectory,
      dockerConfigDirectory: session.dockerConfig?.directory,
      secrets: session.secrets,
      retry: signingRetryPolicy(),
      logger,
    });
    for (const [name, value] of Object.entries(signingOutputs(report))) setOutput(name, value);

    const summary = new Markdown();
    renderSigningSummary(report, summary, 'Signatures');
    await writeSummary(summary);
  } finally {
    session.dispose();
  }
});
