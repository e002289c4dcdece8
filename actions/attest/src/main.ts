import { InputError, Markdown } from '@release-actions/core';
import {
  actionLogger,
  maskSecret,
  readBoolean,
  readPath,
  readSecret,
  readString,
  runAction,
  setOutput,
  writeSummary,
} from '@release-actions/kit';
import { readManifest } from '@release-actions/sbom';
import type { PredicateFile } from '@release-actions/cosign';
import {
  attestImages,
  signingOutputs,
  withSigningSession,
  renderSigningSummary,
} from '@release-actions/cosign';
import os from 'node:os';
import path from 'node:path';

await runAction(async () => {
  const logger = actionLogger;
  const subject = readString('subject', { required: true });
  const predicates: PredicateFile[] = [];
  const predicate = readPath('predicate', { mustExist: 'file' });
  const type = readString('type');
  if (type !== undefined && predicate === undefined) {
    throw new InputError(`Input 'type' describes the 'predicate' input, which was not given.`);
  }
  if (predicate !== undefined)
    predicates.push({ file: predicate, type: type ?? 'custom', inputName: 'predicate' });
  const spdx = readPath('sbom-spdx', { mustExist: 'file' });
  if (spdx !== undefined) predicates.push({ file: spdx, type: 'spdxjson', inputName: 'sbom-spdx' });
  const cyclonedx = readPath('sbom-cyclonedx', { mustExist: 'file' });
  if (cyclonedx !== undefined)
    predicates.push({ file: cyclonedx, type: 'cyclonedx', inputName: 'sbom-cyclonedx' });
  const manifestFile = readPath('sbom-manifest', { mustExist: 'file' });
  const sbomManifest = manifestFile === undefined ? undefined : readManifest(manifestFile);
  const allowSbomWithoutDigest = readBoolean('allow-sbom-without-digest', { default: false });
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
      references: [subject],
      referenceInput: 'subject',
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
    (setup) =>
      attestImages({ ...setup, subjects: [subject], predicates, sbomManifest, allowSbomWithoutDigest }),
  );
  for (const [name, value] of Object.entries(signingOutputs(report))) setOutput(name, value);

  const summary = new Markdown();
  renderSigningSummary(report, summary, 'Attestations');
  await writeSummary(summary);
});
