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
  runnerTemp,
  setOutputs,
  writeSummary,
} from '@release-actions/kit';
import { Markdown } from '@release-actions/core';
import { renderSignSummary, signImages, signOutputs } from '@release-actions/cosign';

await runAction(async () => {
  const report = await signImages({
    images: readList('images'),
    annotations: readMultiline('annotations'),
    key: readSecret('key'),
    keyPassword: readSecret('key-password'),
    requireSignature: readBoolean('require-signature', { default: false }),
    registryUsername: readString('registry-username'),
    registryPassword: readSecret('registry-password'),
    bundleDirectory: readPath('bundle-directory'),
    signingConfig: readPath('signing-config', { mustExist: 'file' }),
    trustedRoot: readPath('trusted-root', { mustExist: 'file' }),
    tempRoot: runnerTemp(),
    logger: actionLogger,
    mask: maskSecret,
  });
  setOutputs(signOutputs(report));
  await writeSummary(renderSignSummary(report, new Markdown()));
});
