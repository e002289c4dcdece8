import { InputError } from '@release-actions/core';
import {
  checkPlatform,
  checkPrefix,
  DEFAULT_FORMATS,
  DEFAULT_PREFIX,
  diffSboms,
  formatDiffText,
  formatResultText,
  generatePlatformSboms,
  IMAGE_SOURCES,
  manifestEntries,
  parseFormats,
  parsePlatformSelection,
  readSbom,
  registryLookup,
  resolveSource,
  resultJson,
  type ImageSource,
  type SbomFormat,
  type SourceInput,
} from '@release-actions/sbom';
import { RegistryClient } from '@release-actions/oci';
import { Option, type Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { action, type CommandContext } from '../program.js';

interface SbomFlags {
  image?: string;
  path?: string;
  file?: string;
  imageSource: ImageSource;
  platform?: string;
  platforms?: string;
  format?: string[];
  outputPrefix: string;
  outputDir: string;
  compareTo?: string;
  json?: boolean;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

const FLAG_NAMES = { image: '--image', path: '--path', file: '--file' };

/** `image:<ref>`, else an existing directory or file; the flags say the same explicitly. */
function sourceFrom(positional: string | undefined, flags: SbomFlags): SourceInput {
  const input: SourceInput = { image: flags.image, imageSource: flags.imageSource };
  if (flags.path !== undefined) input.path = path.resolve(flags.path);
  if (flags.file !== undefined) input.file = path.resolve(flags.file);
  for (const [key, value] of Object.entries({ path: input.path, file: input.file })) {
    if (value === undefined) continue;
    const kind = key === 'path' ? 'directory' : 'file';
    if (!existsSync(value) || statSync(value).isDirectory() !== (kind === 'directory')) {
      throw new InputError(`--${key}: "${flags[key as 'path' | 'file']}" is not a ${kind}.`);
    }
  }
  if (positional === undefined) return input;
  const given = Object.entries(FLAG_NAMES).filter(
    ([key]) => input[key as 'image' | 'path' | 'file'] !== undefined,
  );
  if (given.length > 0) {
    throw new InputError(
      `Give the source once: "${positional}" and ${given.map(([, flag]) => flag).join(', ')} are both set.`,
    );
  }
  if (positional.startsWith('image:')) return { ...input, image: positional.slice('image:'.length) };
  const resolved = path.resolve(positional);
  if (existsSync(resolved))
    return statSync(resolved).isDirectory() ? { ...input, path: resolved } : { ...input, file: resolved };
  throw new InputError(
    `Source "${positional}" is neither a directory nor a file here; name an image as image:<reference> (e.g. image:ghcr.io/org/app@sha256:…).`,
  );
}

/** `--format spdx-json` or `--format spdx-json=path/file.json`, repeated. */
function formatsFrom(values: readonly string[] | undefined): {
  formats: SbomFormat[];
  fileNames: Partial<Record<SbomFormat, string>>;
} {
  if (values === undefined || values.length === 0) return { formats: [...DEFAULT_FORMATS], fileNames: {} };
  const fileNames: Partial<Record<SbomFormat, string>> = {};
  const names = values.map((value) => {
    const at = value.indexOf('=');
    return at === -1
      ? { format: value, file: undefined }
      : { format: value.slice(0, at), file: value.slice(at + 1) };
  });
  const formats = parseFormats(
    names.map((n) => n.format),
    '--format',
  );
  names.forEach((n, i) => {
    if (n.file === undefined) return;
    if (n.file === '') throw new InputError(`--format: "${values[i]}" names no file after "=".`);
    fileNames[formats[i] as SbomFormat] = path.resolve(n.file);
  });
  return { formats, fileNames };
}

export function registerSbom(program: Command, context: CommandContext): void {
  const sbom = program
    .command('sbom')
    .description(
      'SPDX and CycloneDX SBOMs from one syft pass, each file checked before it is written. Registry credentials: SYFT_REGISTRY_AUTH_* in the environment.',
    )
    .argument('[source]', 'image:<reference>, a directory, or a file (an image archive or any file)')
    .option('--image <reference>', 'image to catalogue (preferably by digest)')
    .option('--path <dir>', 'directory to catalogue')
    .option('--file <file>', 'image archive (docker save, OCI tar) or single file to catalogue')
    .addOption(
      new Option('--image-source <source>', 'where syft reads the image')
        .choices([...IMAGE_SOURCES])
        .default('registry'),
    )
    .option('--platform <platform>', 'one platform of a multi-platform index, e.g. linux/arm64')
    .option(
      '--platforms <all|list>',
      'platforms of an index, each catalogued by its own digest: all (the default for an index) or os/arch[/variant],… ; files <prefix>-<format>-<os>-<arch>.json, the seed names are copies of the first platform, <prefix>-platforms.json maps files to digests',
    )
    .option(
      '--format <format[=file]>',
      `SBOM format, repeatable: spdx-json, cyclonedx-json, syft-json, each optionally =FILE (default: ${DEFAULT_FORMATS.join(', ')}); for "sbom diff": text or json`,
      collect,
    )
    .option(
      '--output-prefix <prefix>',
      'file names <prefix>-spdx.json, <prefix>-cyclonedx.json, ...',
      DEFAULT_PREFIX,
    )
    .option('--output-dir <dir>', 'directory of the files', '.')
    .option('--compare-to <sbom>', 'an earlier SBOM to compare the new one with')
    .option('--json', 'print the result as JSON')
    .action((positional: string | undefined, flags: SbomFlags) =>
      action(async () => {
        const logger = context.logger();
        const source = resolveSource(sourceFrom(positional, flags), FLAG_NAMES);
        const { formats, fileNames } = formatsFrom(flags.format);
        const prefix = checkPrefix(flags.outputPrefix, '--output-prefix');
        const previous = flags.compareTo === undefined ? undefined : readSbom(path.resolve(flags.compareTo));
        if (source.kind === 'image' && source.digest === undefined) {
          logger.notice(
            `"${source.value}" is a tag; prefer a digest (name@sha256:…) so the SBOM describes exactly the image you release.`,
          );
        }
        // The registry is asked whether the image is an index with syft's own credentials (the
        // SYFT_REGISTRY_AUTH_* variables), else the Docker config.
        const env = process.env;
        const user = env.SYFT_REGISTRY_AUTH_USERNAME;
        const secret = env.SYFT_REGISTRY_AUTH_PASSWORD || env.SYFT_REGISTRY_AUTH_TOKEN;
        const host = env.SYFT_REGISTRY_AUTH_AUTHORITY || source.registry || 'docker.io';
        const client = new RegistryClient({
          logger,
          credentials: secret ? { [host]: { username: user || 'token', password: secret } } : undefined,
        });
        const generated = await generatePlatformSboms({
          source,
          formats,
          fileNames,
          outputDir: path.resolve(flags.outputDir),
          prefix,
          platform: flags.platform === undefined ? undefined : checkPlatform(flags.platform, '--platform'),
          platforms:
            flags.platforms === undefined
              ? undefined
              : parsePlatformSelection(flags.platforms, '--platforms'),
          lookup: registryLookup(client),
          names: { platform: '--platform', platforms: '--platforms', fileNames: '--format' },
          logger,
        });
        const result = generated.seed;
        const diff = previous ? diffSboms(previous, result.document) : undefined;
        const platforms = generated.manifest ? manifestEntries(generated.manifest.content) : [];
        if (flags.json) {
          context.out(
            JSON.stringify(
              {
                ...resultJson(result, diff),
                ...(generated.digest ? { digest: generated.digest } : {}),
                manifest: generated.manifest?.file ?? null,
                platforms,
              },
              null,
              2,
            ),
          );
        } else {
          const lines = [formatResultText(result)];
          if (generated.index) {
            lines.push(
              '',
              `index ${generated.digest}: one SBOM pass per platform; the files without a platform in their name are copies of ${generated.platforms[0]?.platform}'s`,
              ...generated.platforms.map(
                (p) =>
                  `  ${p.platform.padEnd(16)} ${p.digest}  ${String(p.result.packages).padStart(6)}  ${p.result.files.map((f) => f.path).join(' ')}`,
              ),
            );
          }
          if (generated.manifest) lines.push('', `platforms manifest: ${generated.manifest.file}`);
          if (diff) lines.push('', formatDiffText(diff));
          context.out(lines.join('\n'));
        }
        return;
      }),
    );

  sbom
    .command('diff')
    .description(
      'Packages added, removed and changed between two SBOMs (SPDX, CycloneDX or syft JSON, either side).',
    )
    .argument('<old>', 'the earlier SBOM')
    .argument('<new>', 'the later SBOM')
    .option('--format <format>', 'text or json (default text)')
    .action((oldFile: string, newFile: string, flags: { format?: string }) =>
      action(async () => {
        // `sbom` has a --format of its own, which commander gives the option to wherever it is
        // written; both places are read here.
        const given = [...(sbom.opts<SbomFlags>().format ?? []), ...(flags.format ? [flags.format] : [])];
        if (given.length > 1)
          throw new InputError(`--format: give it once (text or json), got ${given.join(', ')}.`);
        const format = (given[0] ?? 'text').toLowerCase();
        if (format !== 'text' && format !== 'json') {
          throw new InputError(`--format: "${given[0]}" is not accepted; use text or json.`);
        }
        const diff = diffSboms(readSbom(path.resolve(oldFile)), readSbom(path.resolve(newFile)));
        context.out(format === 'json' ? JSON.stringify(diff, null, 2) : formatDiffText(diff));
        return;
      }),
    );
}
