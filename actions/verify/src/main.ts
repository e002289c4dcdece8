import {
  actionLogger,
  readBoolean,
  readEnum,
  readList,
  readPath,
  readSecret,
  readString,
  runAction,
  runnerTemp,
  setOutputs,
  writeSummary,
} from '@release-actions/kit';
import { enforceVerdict, InputError, Markdown } from '@release-actions/core';
import {
  BUNDLE_SOURCES,
  CHECK_NAMES,
  checkVerifyFiles,
  parseChecks,
  TRANSPARENCY_LOG_MODES,
  type IdentityOptions,
} from '@release-actions/verify/inputs';
import path from 'node:path';

await runAction(async () => {
  const logger = actionLogger;
  const image = readString('image');
  const fileInput = readPath('file', { mustExist: 'file' });
  const fileParts = {
    bundle: readPath('bundle', { mustExist: 'file' }),
    checksums: readPath('checksums', { mustExist: 'file' }),
    provenancePath: readPath('provenance-path', { mustExist: 'file' }),
  };
  const stray = Object.entries(fileParts).find(([, value]) => value !== undefined)?.[0];
  if (fileInput === undefined && stray !== undefined) {
    throw new InputError('only with file (a release file to verify).', {
      input: stray === 'provenancePath' ? 'provenance-path' : stray,
    });
  }
  const file = fileInput === undefined ? undefined : { file: fileInput, ...fileParts };
  if ((image === undefined) === (file === undefined)) {
    throw new InputError(
      image === undefined ? 'give image or file; neither was given.' : 'give image or file, not both.',
      { input: 'image' },
    );
  }
  const repository = readString('repository', { required: true });
  const signer = readEnum('signer', ['reusable-workflow', 'workflow'] as const, {
    default: 'reusable-workflow',
  });
  const identity: IdentityOptions = {
    repository,
    signer,
    workflow: readString('workflow'),
    sourceRefPattern: readString('source-ref-pattern'),
    sourceRef: readString('source-ref'),
    workflowRefPattern: readString('workflow-ref-pattern'),
    workflowCommit: readString('workflow-commit'),
    trigger: readString('trigger'),
    refPattern: readString('ref-pattern'),
    issuer: readString('oidc-issuer'),
    identityRegexp: readString('certificate-identity-regexp'),
    allowUnanchored: readBoolean('allow-unanchored', { default: false }),
  };
  const checks = parseChecks(readList('checks', { accepted: CHECK_NAMES }));
  const sourceTag = readString('source-tag');
  const engine = readEnum('engine', ['cosign', 'native'] as const, { default: 'cosign' });
  const emit = readEnum('emit', ['report', 'commands', 'kyverno', 'policy-controller'] as const, {
    default: 'report',
  });
  const trustedRoot = readPath('trusted-root', { mustExist: 'file' });
  const key = readPath('key', { mustExist: 'file' });
  const transparencyLog = readEnum('transparency-log', TRANSPARENCY_LOG_MODES, { default: 'required' });
  checkVerifyFiles({ key, trustedRoot });
  const source = readEnum('source', BUNDLE_SOURCES, { default: 'registry' });
  // Empty: anonymous reads, enough for a public repository's attestation store.
  const token = readSecret('token');
  const tempRoot = runnerTemp();
  if (emit === 'kyverno' || emit === 'policy-controller') {
    if (image === undefined) {
      throw new InputError('an admission policy is for an image, not a file.', { input: 'emit' });
    }
    // The policy matches the repository, not a digest: no registry or GitHub call is made.
    const { admissionOutputs, emitAdmission, renderAdmissionSummary } =
      await import('@release-actions/verify');
    const policy = await emitAdmission({
      image,
      identity,
      checks,
      admission: emit,
      sourceTag,
      trustedRoot,
      key,
      transparencyLog,
    });
    logger.info(policy.yaml);
    setOutputs(admissionOutputs(policy));
    await writeSummary(renderAdmissionSummary(policy, new Markdown()));
    return;
  }
  // Built only when asked for: the GitHub client is most of a bundle.
  const bundleSource =
    source === 'registry'
      ? undefined
      : (await import('@release-actions/github')).attestationSource({
          repository,
          token,
          baseUrl: process.env.GITHUB_API_URL || undefined,
          logger,
        });

  // Loaded once the inputs are read: an input error never needs the verifier.
  const { renderVerifySummary, renderVerifyText, verify, verifyOutputs, verifyVerdict } =
    await import('@release-actions/verify');
  const result = await verify({
    image,
    file,
    identity,
    checks,
    emit,
    engine,
    sourceTag,
    trustedRoot,
    key,
    transparencyLog,
    source,
    bundleSource,
    registryUsername: readString('registry-username'),
    registryPassword: readSecret('registry-password'),
    tempRoot,
    tufCachePath: path.join(tempRoot, 'sigstore-tuf'),
    logger,
  });
  logger.info(renderVerifyText(result));
  setOutputs(verifyOutputs(result));
  await writeSummary(renderVerifySummary(result, new Markdown()));
  enforceVerdict(verifyVerdict(result));
});
