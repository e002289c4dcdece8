import { InputError } from '@release-actions/core';
import {
  actionLogger,
  checkPath,
  readEnum,
  readList,
  readPath,
  readSecret,
  readString,
  runAction,
  setOutput,
  writeSummary,
} from '@release-actions/kit';
import { credentialsPair, RegistryClient } from '@release-actions/oci';
import {
  checkPlatform,
  checkPrefix,
  DEFAULT_FORMATS,
  DEFAULT_PREFIX,
  diffSboms,
  FORMATS,
  generatePlatformSboms,
  IMAGE_SOURCES,
  manifestEntries,
  parsePlatformSelection,
  readSbom,
  registryLookup,
  resolveSource,
} from '@release-actions/sbom';
import type { SbomFormat } from '@release-actions/sbom';
import path from 'node:path';
import { sbomSummary } from './summary.js';

/**
 * The output directory: inside the workspace, or anywhere under RUNNER_TEMP (the default, so the
 * files never show up in the checkout, in `git status`, or in a later `path` scan of it).
 */
function outputDirectory(value: string | undefined): string {
  const temp = process.env.RUNNER_TEMP;
  if (value === undefined) return temp ? path.resolve(temp) : process.cwd();
  if (temp) {
    const resolved = path.resolve(process.env.GITHUB_WORKSPACE || process.cwd(), value);
    const relative = path.relative(path.resolve(temp), resolved);
    if (relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))) return resolved;
  }
  return checkPath('output-dir', value);
}

await runAction(async () => {
  const logger = actionLogger;
  const source = resolveSource({
    image: readString('image'),
    path: readPath('path', { mustExist: 'directory' }),
    file: readPath('file', { mustExist: 'file' }),
    imageSource: readEnum('image-source', IMAGE_SOURCES, { default: 'registry' }),
  });
  const formats = readList('formats', { accepted: FORMATS, default: [...DEFAULT_FORMATS] }) as SbomFormat[];
  if (new Set(formats).size !== formats.length) {
    throw new InputError(`Input 'formats': a format is listed twice in "${formats.join(', ')}".`);
  }
  const prefix = checkPrefix(readString('output-prefix', { default: DEFAULT_PREFIX }));
  const outputDir = outputDirectory(readString('output-dir'));
  const compareTo = readPath('compare-to', { mustExist: 'file' });
  const platformInput = readString('platform');
  const platform = platformInput === undefined ? undefined : checkPlatform(platformInput);
  const platformsInput = readString('platforms');
  const platforms =
    platformsInput === undefined ? undefined : parsePlatformSelection(platformsInput, "Input 'platforms'");

  const username = readString('registry-username');
  const password = readSecret('registry-password');
  const token = readSecret('registry-token');
  credentialsPair(username, password);
  if (token !== undefined && password !== undefined) {
    throw new InputError("Inputs 'registry-token' and 'registry-password' exclude each other; give one.");
  }
  const authority = readString('registry') ?? source.registry;

  if (source.kind === 'image' && source.digest === undefined) {
    logger.notice(
      `Input 'image': "${source.value}" is a tag; prefer a digest (name@sha256:…) so the SBOM describes exactly the image you release.`,
    );
  }
  // A comparison file that cannot be read fails before syft runs, not after.
  const previous = compareTo === undefined ? undefined : readSbom(compareTo);

  const credentials = username || token ? { authority, username, password, token } : undefined;
  // The registry is asked whether the image is an index (and for its platform digests) with the
  // same credentials syft gets; a token travels as the password of a Basic login.
  const registryHost = authority ?? source.registry ?? 'docker.io';
  const client = new RegistryClient({
    logger,
    credentials:
      credentials === undefined
        ? undefined
        : { [registryHost]: { username: username ?? 'token', password: (password ?? token) as string } },
  });
  const generated = await generatePlatformSboms({
    source,
    formats,
    outputDir,
    prefix,
    platform,
    platforms,
    lookup: registryLookup(client),
    logger,
    credentials,
  });
  const result = generated.seed;

  for (const file of result.files) setOutput(file.format, file.path);
  setOutput('files', [
    ...result.files.map((f) => f.path),
    ...(generated.index ? generated.platforms.flatMap((p) => p.result.files.map((f) => f.path)) : []),
  ]);
  setOutput('packages', result.packages);
  setOutput('package-counts', result.countsByType);
  setOutput('syft-version', result.syftVersion);
  const digest = generated.digest ?? result.source.digest;
  if (digest) setOutput('digest', digest);
  setOutput('manifest', generated.manifest?.file ?? '');
  setOutput('platforms', generated.manifest ? manifestEntries(generated.manifest.content) : []);

  const diff = previous ? diffSboms(previous, result.document) : undefined;
  if (diff) {
    setOutput('added', diff.added.length);
    setOutput('removed', diff.removed.length);
    setOutput('changed', diff.changed.length);
  }
  await writeSummary(sbomSummary(generated, diff));
});
