import {
  actionLogger,
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
import { Markdown } from '@release-actions/core';
import {
  signImages,
  signingOutputs,
  withSigningSession,
  renderSigningSummary,
} from '@release-actions/cosign';
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
  const signingConfig = readPath('signing-config', { mustExist: 'file' });
  const trustedRoot = readPath('trusted-root', { mustExist: 'file' });

  const report = await withSigningSession(
    {
      references: images,
      referenceInput: 'images',
      key,
      keyPassword,
      registryUsername,
      registryPassword,
      tempRoot,
      logger,
      requireSignature,
      bundleDirectory,
      signingConfig,
      trustedRoot,
      mask: maskSecret,
    },
    (setup) => signImages({ ...setup, images, annotations }),
  );
  for (const [name, value] of Object.entries(signingOutputs(report))) setOutput(name, value);

  const summary = new Markdown();
  renderSigningSummary(report, summary, 'Signatures');
  await writeSummary(summary);
});
