import { Markdown } from '@release-actions/core';
import {
  actionLogger,
  maskSecret,
  readBoolean,
  readEnum,
  readPath,
  readSecret,
  readMultiline,
  readString,
  runAction,
  runnerTemp,
  setOutputs,
  workspace,
  writeSummary,
} from '@release-actions/kit';
import { loadGlob } from '@release-actions/kit/glob';
import type { AttestOptions } from '@release-actions/cosign';
import type { Store } from '@release-actions/github';

/** GitHub's client is loaded with the rest of the machinery, so the store's names are here too. */
const STORES = ['registry', 'github', 'both'] as const satisfies readonly Store[];

await runAction(async () => {
  const storeRequest = {
    store: readEnum('store', STORES, { default: 'registry' }),
    token: readSecret('token'),
    repository: readString('repository'),
  };
  const manifestFile = readPath('sbom-manifest', { mustExist: 'file' });
  const request: Omit<AttestOptions, 'sbomManifest'> = {
    subject: readString('subject') ?? '',
    predicate: readPath('predicate', { mustExist: 'file' }),
    // Under RUNNER_TEMP too: where the scan step writes openvex.json by default.
    vex: readPath('vex', { mustExist: 'file', alsoInside: [runnerTemp()] }),
    type: readString('type'),
    sbomSpdx: readPath('sbom-spdx', { mustExist: 'file' }),
    sbomCyclonedx: readPath('sbom-cyclonedx', { mustExist: 'file' }),
    allowSbomWithoutDigest: readBoolean('allow-sbom-without-digest', { default: false }),
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
  // Loaded once the inputs are read: an input error never needs cosign's runner or the registry.
  const fileLines = readMultiline('files');
  const [
    { readManifest },
    {
      attestFiles,
      attestImages,
      checkSomethingToSign,
      combinedOutputs,
      expandBlobFiles,
      fileAttestationOf,
      renderAttestSummary,
      renderFileSummary,
    },
    { checkStore, renderStoreSummary, storeIfAsked, storeOutputs },
  ] = await Promise.all([
    import('@release-actions/sbom'),
    import('@release-actions/cosign'),
    import('@release-actions/github'),
  ]);
  // Checked before attesting: a store that cannot be written fails before anything is signed.
  const store = checkStore(storeRequest);
  checkSomethingToSign(request.subject === '' ? [] : [request.subject], fileLines, 'subject');
  const files = await expandBlobFiles(fileLines, {
    input: 'files',
    workspace: workspace(),
    confine: true,
    loadGlob,
  });
  const sbomManifest = manifestFile === undefined ? undefined : readManifest(manifestFile);
  const fileRequest = files.length === 0 ? undefined : fileAttestationOf({ ...request, sbomManifest }, files);
  const report = request.subject === '' ? undefined : await attestImages({ ...request, sbomManifest });
  const fileReport = fileRequest === undefined ? undefined : await attestFiles(fileRequest);
  const stored = await storeIfAsked(store, report, actionLogger);
  setOutputs({ ...combinedOutputs(report, fileReport), ...storeOutputs(stored) });
  const summary =
    report === undefined
      ? new Markdown().heading('Attestations')
      : renderAttestSummary(report, new Markdown());
  await writeSummary(renderStoreSummary(stored, renderFileSummary(fileReport, summary)));
});
