import { InputError, Markdown } from '@release-actions/core';
import {
  actionLogger,
  checkPath,
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
import { credentialsPair } from '@release-actions/oci/credentials';
import {
  DEFAULT_FORMATS,
  DEFAULT_PREFIX,
  FORMATS,
  IMAGE_SOURCES,
  resolveSource,
  sourceOrOlder,
  type SbomFormat,
} from '@release-actions/sbom/inputs';
import type { SbomRequest } from '@release-actions/sbom';

/** `source` in the syntax scan shares (docs/sources.md), or the older inputs image, path, file. */
function readSource() {
  const older = {
    image: readString('image'),
    path: readPath('path', { mustExist: 'directory' }),
    file: readPath('file', { mustExist: 'file' }),
  };
  return sourceOrOlder('sbom', readString('source'), older, {
    // Under RUNNER_TEMP too: where the sbom step writes its files by default.
    resolvePath: (value) => checkPath('source', value, { alsoInside: [runnerTemp()] }),
    warn: (message) => actionLogger.warning(message),
  });
}

await runAction(async () => {
  const username = readString('registry-username');
  const password = readSecret('registry-password');
  const token = readSecret('registry-token');
  credentialsPair(username, password);
  if (token !== undefined && password !== undefined) {
    throw new InputError("Inputs 'registry-token' and 'registry-password' exclude each other; give one.");
  }
  const request: SbomRequest = {
    source: {
      ...readSource(),
      imageSource: readEnum('image-source', IMAGE_SOURCES, { default: 'registry' }),
    },
    formats: readList('formats', { accepted: FORMATS, default: [...DEFAULT_FORMATS] }) as SbomFormat[],
    prefix: readString('output-prefix', { default: DEFAULT_PREFIX }),
    // RUNNER_TEMP by default, so the files never show up in the checkout, in `git status`, or in a
    // later `path` scan of it.
    outputDir: readPath('output-dir', { default: runnerTemp(), alsoInside: [runnerTemp()] }),
    compareTo: readPath('compare-to', { mustExist: 'file' }),
    platform: readString('platform'),
    platforms: readString('platforms'),
    credentials: { authority: readString('registry'), username, password, token },
    logger: actionLogger,
  };
  // No source (or two) fails here, before syft's runner and the registry client load.
  resolveSource(request.source);
  const { createSboms, renderSbomSummary, sbomOutputs } = await import('@release-actions/sbom');
  const result = await createSboms(request);
  setOutputs(sbomOutputs(result));
  await writeSummary(renderSbomSummary(result, new Markdown()));
});
