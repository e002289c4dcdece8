import { InputError, type Logger } from '@release-actions/core';
import {
  createSboms,
  DEFAULT_FORMATS,
  DEFAULT_PREFIX,
  diffSbomFiles,
  formatDiffText,
  FORMATS,
  IMAGE_SOURCES,
  parseFormats,
  parseSource,
  renderSbomText,
  sbomJson,
  sourceFields,
  sourceSyntax,
  type ImageSource,
  type RegistryCredentials,
  type SbomFormat,
  type SourceInput,
} from '@release-actions/sbom';
import { Option, type Command } from 'commander';
import path from 'node:path';
import { reporting } from '../output.js';
import { action, type CommandContext } from '../program.js';

interface SbomFlags {
  image?: string;
  path?: string;
  file?: string;
  imageSource: ImageSource;
  platform?: string;
  platforms?: string;
  format?: string[];
  sbomFormat?: string[];
  outputPrefix: string;
  outputDir: string;
  compareTo?: string;
}

/** An SBOM format (`spdx-json` or `spdx-json=file`), which --format took before --sbom-format existed. */
function isSbomFormat(value: string): boolean {
  const name = value.split('=')[0]!.trim().toLowerCase();
  return (FORMATS as readonly string[]).includes(name);
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** The older flags, kept hidden: each is the same as one prefix of the source argument. */
const SOURCE_FLAGS = { image: 'image', path: 'dir', file: 'file' } as const;

/**
 * The source argument in the one syntax scan shares (docs/sources.md), or one of the older flags
 * that say the same.
 */
function sourceFrom(positional: string | undefined, flags: SbomFlags, logger: Logger): SourceInput {
  const given = (Object.keys(SOURCE_FLAGS) as (keyof typeof SOURCE_FLAGS)[]).filter(
    (key) => flags[key] !== undefined,
  );
  if (positional !== undefined && given.length > 0) {
    throw new InputError(
      `Give the source once: "${positional}" and ${given.map((key) => `--${key}`).join(', ')} are both set.`,
    );
  }
  if (given.length > 1) {
    throw new InputError(`Give the source once: ${given.map((key) => `--${key}`).join(', ')} are all set.`);
  }
  const flag = given[0];
  if (positional === undefined && flag === undefined) {
    throw new InputError(`No source given: name one as the <source> argument (${sourceSyntax('sbom')}).`);
  }
  const spec =
    flag === undefined
      ? parseSource(positional as string, { warn: (message) => logger.warning(message) })
      : parseSource(`${SOURCE_FLAGS[flag]}:${flags[flag] as string}`, { input: flag });
  return { ...sourceFields(spec), imageSource: flags.imageSource };
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
  const formats = parseFormats(names.map((n) => n.format));
  names.forEach((n, i) => {
    if (n.file === undefined) return;
    if (n.file === '') throw new InputError(`"${values[i]}" names no file after "=".`, { input: 'formats' });
    fileNames[formats[i] as SbomFormat] = path.resolve(n.file);
  });
  return { formats, fileNames };
}

/**
 * The registry credentials syft reads from its own SYFT_REGISTRY_AUTH_* variables; the registry
 * is asked whether the image is an index with the same ones (else the Docker config).
 */
function syftCredentials(env: NodeJS.ProcessEnv): RegistryCredentials {
  const value = (name: string) => env[`SYFT_REGISTRY_AUTH_${name}`] || undefined;
  return {
    authority: value('AUTHORITY'),
    username: value('USERNAME'),
    password: value('PASSWORD'),
    token: value('TOKEN'),
  };
}

export function registerSbom(program: Command, context: CommandContext): void {
  const sbom = reporting(program.command('sbom'), {
    others: isSbomFormat,
    hint: `SBOM formats go to --sbom-format: ${FORMATS.join(', ')}.`,
  })
    .description(
      'SPDX and CycloneDX SBOMs from one syft pass, each file checked before it is written. Registry credentials: SYFT_REGISTRY_AUTH_* in the environment.',
    )
    .argument(
      '[source]',
      'image:<reference> (or a bare reference), dir:<path>, or file:<path> (an image archive or any file); see docs/sources.md',
    )
    // The older flags, the same as image:, dir: and file:; hidden so the help shows one way.
    .addOption(new Option('--image <reference>').hideHelp())
    .addOption(new Option('--path <dir>').hideHelp())
    .addOption(new Option('--file <file>').hideHelp())
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
      '--sbom-format <format[=file]>',
      `SBOM format, repeatable: ${FORMATS.join(', ')}, each optionally =FILE (default: ${DEFAULT_FORMATS.join(', ')})`,
      collect,
    )
    .option(
      '--format <format>',
      'result format: text or json (default text); an SBOM format here still works as --sbom-format (deprecated)',
      collect,
    )
    .option(
      '--output-prefix <prefix>',
      'file names <prefix>-spdx.json, <prefix>-cyclonedx.json, ...',
      DEFAULT_PREFIX,
    )
    .option('--output-dir <dir>', 'directory of the files', '.')
    .option('--compare-to <sbom>', 'an earlier SBOM to compare the new one with')
    .action((positional: string | undefined, flags: SbomFlags) =>
      action(
        async () => {
          const logger = context.logger();
          const legacy = (flags.format ?? []).filter(isSbomFormat);
          if (legacy.length > 0)
            logger.notice('--format with an SBOM format is deprecated; use --sbom-format.');
          const sbomFormats = [...(flags.sbomFormat ?? []), ...legacy];
          const result = await createSboms({
            source: sourceFrom(positional, flags, logger),
            ...formatsFrom(sbomFormats.length > 0 ? sbomFormats : undefined),
            prefix: flags.outputPrefix,
            outputDir: path.resolve(flags.outputDir),
            platform: flags.platform,
            platforms: flags.platforms,
            compareTo: flags.compareTo === undefined ? undefined : path.resolve(flags.compareTo),
            credentials: syftCredentials(process.env),
            logger,
          });
          context.report({ text: () => renderSbomText(result), json: () => sbomJson(result) });
        },
        { formats: '--sbom-format', source: '<source>' },
      ),
    );

  reporting(sbom.command('diff'))
    .description(
      'Packages added, removed and changed between two SBOMs (SPDX, CycloneDX or syft JSON, either side).',
    )
    .argument('<old>', 'the earlier SBOM')
    .argument('<new>', 'the later SBOM')
    .action((oldFile: string, newFile: string) =>
      action(
        async () => {
          // `sbom` has a --format and -o of its own, which commander gives the flag to wherever it
          // is written; the program reads both commands' (see output.ts).
          const diff = diffSbomFiles(path.resolve(oldFile), path.resolve(newFile));
          context.report({ text: () => formatDiffText(diff), json: () => diff });
        },
        { old: '<old>', new: '<new>' },
      ),
    );
}
