import { InputError } from '@release-actions/core';
import type { Logger } from '@release-actions/core';
import { ensureTool } from '@release-actions/tools';
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { countByType } from './counts.js';
import type { DescribedSubject } from './described.js';
import type { SbomDocument } from './document.js';
import { readSbom } from './document.js';
import type { SbomFormat } from './formats.js';
import { fileNameFor } from './formats.js';
import type { ScanSource } from './source.js';
import { describeSource } from './source.js';
import type { RegistryCredentials } from './syft.js';
import { runSyftScan, scanArguments, syftVersion } from './syft.js';

export interface GenerateOptions {
  source: ScanSource;
  formats: readonly SbomFormat[];
  /** Directory of the files (created when missing). */
  outputDir: string;
  prefix: string;
  /** A file name chosen per format (relative ones are under outputDir); others get `<prefix>-<suffix>`. */
  fileNames?: Partial<Record<SbomFormat, string>>;
  platform?: string;
  credentials?: RegistryCredentials;
  logger: Logger;
  /** The syft executable; by default a syft on PATH, else the pinned release, installed and verified. */
  command?: string;
}

export interface SbomFile {
  format: SbomFormat;
  path: string;
  specVersion: string;
  packages: number;
  countsByType: Record<string, number>;
  /** What the file says it describes (the image digest syft recorded, or a directory). */
  subject: DescribedSubject;
}

export interface GenerateResult {
  source: ScanSource;
  syftVersion: string;
  files: SbomFile[];
  /** Packages in the first file (all files list the same packages). */
  packages: number;
  countsByType: Record<string, number>;
  /** The first file, parsed (for comparisons). */
  document: SbomDocument;
}

/** Moves a checked file to its place: a rename within a file system, else a copy beside it and a rename. */
function moveInto(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    const beside = `${to}.partial-${process.pid}`;
    copyFileSync(from, beside);
    renameSync(beside, to);
  }
}

/**
 * One syft pass writes every requested format into a scratch directory; each file is parsed and
 * checked there, and only when all are good are they moved to their final names. A failure leaves
 * no new file behind (and an older file of the same name untouched).
 */
export async function generateSboms(options: GenerateOptions): Promise<GenerateResult> {
  const { logger, formats } = options;
  if (formats.length === 0) throw new InputError('no SBOM format requested.', { input: 'formats' });
  const targets = formats.map((format) => ({
    format,
    path: path.resolve(options.outputDir, options.fileNames?.[format] ?? fileNameFor(format, options.prefix)),
  }));
  const seen = new Set<string>();
  for (const target of targets) {
    if (seen.has(target.path))
      throw new InputError(`two formats would be written to the same file ${target.path}.`, {
        input: 'formats',
      });
    seen.add(target.path);
  }

  const command = options.command ?? (await ensureTool('syft', { logger })).path;
  const version = await syftVersion({ command, logger });
  // The phase line a person watching a long catalogue sees (stderr in the CLI, silent under -q).
  logger.info(
    `sbom: cataloguing ${describeSource(options.source)}${options.platform ? ` (${options.platform})` : ''} with syft ${version}`,
  );

  mkdirSync(options.outputDir, { recursive: true });
  const scratch = mkdtempSync(path.join(options.outputDir, '.sbom-'));
  try {
    const staged = targets.map((t, i) => ({
      ...t,
      staged: path.join(scratch, `${i}-${path.basename(t.path)}`),
    }));
    const args = scanArguments(
      options.source.syftArgument,
      staged.map((s) => ({ format: s.format, file: s.staged })),
      { platform: options.platform },
    );
    await runSyftScan(args, { command, logger, credentials: options.credentials });

    // Errors and results name the final file, not the scratch one.
    const parsed = staged.map((s) => ({
      target: s,
      doc: readSbom(s.staged, { expect: s.format, strict: true, name: s.path }),
    }));
    const files: SbomFile[] = parsed.map(({ target, doc }) => ({
      format: target.format,
      path: target.path,
      specVersion: doc.specVersion,
      packages: doc.packages.length,
      countsByType: countByType(doc.packages),
      subject: doc.subject,
    }));
    const first = files[0] as SbomFile;
    for (const file of files.slice(1)) {
      if (file.packages !== first.packages) {
        logger.warning(
          `${path.basename(file.path)} lists ${file.packages} packages, ${path.basename(first.path)} ${first.packages}.`,
        );
      }
    }
    for (const { target } of parsed) {
      mkdirSync(path.dirname(target.path), { recursive: true });
      moveInto(target.staged, target.path);
      logger.info(`wrote ${target.path}`);
    }
    return {
      source: options.source,
      syftVersion: version,
      files,
      packages: first.packages,
      countsByType: first.countsByType,
      document: (parsed[0] as { doc: SbomDocument }).doc,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
