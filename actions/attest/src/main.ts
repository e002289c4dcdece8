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
import type { AttestOptions } from '@release-actions/cosign';

await runAction(async () => {
  const manifestFile = readPath('sbom-manifest', { mustExist: 'file' });
  const request: Omit<AttestOptions, 'sbomManifest'> = {
    subject: readString('subject', { required: true }),
    predicate: readPath('predicate', { mustExist: 'file' }),
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
  const [{ readManifest }, { attestImages, attestOutputs, renderAttestSummary }] = await Promise.all([
    import('@release-actions/sbom'),
    import('@release-actions/cosign'),
  ]);
  const sbomManifest = manifestFile === undefined ? undefined : readManifest(manifestFile);
  const report = await attestImages({ ...request, sbomManifest });
  setOutputs(attestOutputs(report));
  await writeSummary(renderAttestSummary(report, new Markdown()));
});
