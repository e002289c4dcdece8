import {
  actionLogger,
  maskSecret,
  readBoolean,
  readEnum,
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
import {
  checkStore,
  DEFAULT_API_URL,
  renderStoreSummary,
  STORES,
  storeBundles,
  storeOutputs,
} from '@release-actions/github';

await runAction(async () => {
  // Checked before signing: a store that cannot be written fails before anything is signed.
  const store = checkStore({
    store: readEnum('store', STORES, { default: 'registry' }),
    token: readSecret('token'),
    repository: readString('repository'),
  });
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
  const stored =
    store === undefined
      ? undefined
      : await storeBundles(report, {
          ...store,
          baseUrl: process.env.GITHUB_API_URL || DEFAULT_API_URL,
          serverUrl: process.env.GITHUB_SERVER_URL,
          logger: actionLogger,
        });
  setOutputs({ ...signOutputs(report), ...storeOutputs(stored) });
  await writeSummary(renderStoreSummary(stored, renderSignSummary(report, new Markdown())));
});
