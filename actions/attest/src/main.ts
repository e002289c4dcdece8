import { Markdown } from '@release-actions/core';
import {
  actionLogger,
  maskSecret,
  readBoolean,
  readPath,
  readSecret,
  readString,
  runAction,
  runnerTemp,
  setOutputs,
  writeSummary,
} from '@release-actions/kit';
import { readManifest } from '@release-actions/sbom';
import { attestImages, attestOutputs, renderAttestSummary } from '@release-actions/cosign';

await runAction(async () => {
  const manifestFile = readPath('sbom-manifest', { mustExist: 'file' });
  const sbomManifest = manifestFile === undefined ? undefined : readManifest(manifestFile);
  const report = await attestImages({
    subject: readString('subject', { required: true }),
    predicate: readPath('predicate', { mustExist: 'file' }),
    type: readString('type'),
    sbomSpdx: readPath('sbom-spdx', { mustExist: 'file' }),
    sbomCyclonedx: readPath('sbom-cyclonedx', { mustExist: 'file' }),
    sbomManifest,
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
  });
  setOutputs(attestOutputs(report));
  await writeSummary(renderAttestSummary(report, new Markdown()));
});
