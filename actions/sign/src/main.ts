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
  workspace,
  writeSummary,
} from '@release-actions/kit';
import { loadGlob } from '@release-actions/kit/glob';
import { InputError, Markdown, mention } from '@release-actions/core';
import {
  checkSomethingToSign,
  combinedOutputs,
  expandBlobFiles,
  renderFileSummary,
  renderSignSummary,
  signFiles,
  signImages,
  type SigningOptions,
} from '@release-actions/cosign';
import { checkStore, renderStoreSummary, STORES, storeIfAsked, storeOutputs } from '@release-actions/github';

await runAction(async () => {
  // Checked before signing: a store that cannot be written fails before anything is signed.
  const store = checkStore({
    store: readEnum('store', STORES, { default: 'registry' }),
    token: readSecret('token'),
    repository: readString('repository'),
  });
  const images = readList('images');
  const fileLines = readMultiline('files');
  checkSomethingToSign(images, fileLines, 'images');
  const checksumsFile = readPath('checksums-file');
  if (checksumsFile !== undefined && fileLines.length === 0) {
    throw new InputError(`it lists the sums of ${mention('files')}; give the files.`, {
      input: 'checksums-file',
    });
  }
  const signing: SigningOptions = {
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
  };
  const annotations = readMultiline('annotations');
  // Every file is checked before the first image is signed.
  const files = await expandBlobFiles(fileLines, {
    input: 'files',
    workspace: workspace(),
    confine: true,
    loadGlob,
    exclude: checksumsFile === undefined ? [] : [checksumsFile],
  });
  const report = images.length === 0 ? undefined : await signImages({ ...signing, images, annotations });
  const fileReport = files.length === 0 ? undefined : await signFiles({ ...signing, files, checksumsFile });
  const stored = await storeIfAsked(store, report, actionLogger);
  setOutputs({ ...combinedOutputs(report, fileReport), ...storeOutputs(stored) });
  const summary =
    report === undefined ? new Markdown().heading('Signatures') : renderSignSummary(report, new Markdown());
  await writeSummary(renderStoreSummary(stored, renderFileSummary(fileReport, summary)));
});
