import type { Command } from 'commander';
import { InputError } from '@release-actions/core';
import { readManifest } from '@release-actions/sbom';
import { attestImages, withSigningSession, type PredicateFile } from '@release-actions/cosign';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { action, type CommandContext } from '../program.js';
import {
  keyFromFlag,
  printReport,
  registryPassword,
  signingOptions,
  trustFiles,
  type SigningFlags,
} from './sign.js';

interface AttestFlags extends SigningFlags {
  predicate?: string;
  type?: string;
  sbomSpdx?: string;
  sbomCyclonedx?: string;
  sbomManifest?: string;
  allowSbomWithoutDigest?: boolean;
}

function file(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  const resolved = path.resolve(value);
  if (!existsSync(resolved)) throw new InputError(`${flag}: ${value} does not exist.`);
  return resolved;
}

export function registerAttest(program: Command, context: CommandContext): void {
  signingOptions(
    program
      .command('attest')
      .description('Attest a predicate (SBOM, provenance, VEX…) for an image with cosign, by digest.')
      .argument('<subject>', 'image reference (registry/repository@sha256:… or :tag)')
      .option('--predicate <file>', 'predicate file (with --type)')
      .option(
        '--type <type>',
        'spdxjson, cyclonedx, slsaprovenance, slsaprovenance1, openvex, custom, or a URI',
      )
      .option('--sbom-spdx <file>', 'SPDX JSON SBOM to attest as spdxjson, on the digest it describes')
      .option(
        '--sbom-cyclonedx <file>',
        'CycloneDX JSON SBOM to attest as cyclonedx, on the digest it describes',
      )
      .option(
        '--sbom-manifest <file>',
        "the sbom command's <prefix>-platforms.json: each platform's SPDX and CycloneDX on that platform's digest only; the index gets none",
      )
      .option(
        '--allow-sbom-without-digest',
        'attest an SBOM that names no image digest (a directory, or an image named by tag) on a single image',
      ),
  ).action((subject: string, flags: AttestFlags) =>
    action(async () => {
      const logger = context.logger();
      const predicates: PredicateFile[] = [];
      const predicate = file(flags.predicate, '--predicate');
      if (flags.type !== undefined && predicate === undefined) {
        throw new InputError('--type describes --predicate, which was not given.');
      }
      if (predicate)
        predicates.push({ file: predicate, type: flags.type ?? 'custom', inputName: 'predicate' });
      const spdx = file(flags.sbomSpdx, '--sbom-spdx');
      if (spdx) predicates.push({ file: spdx, type: 'spdxjson', inputName: 'sbom-spdx' });
      const cyclonedx = file(flags.sbomCyclonedx, '--sbom-cyclonedx');
      if (cyclonedx) predicates.push({ file: cyclonedx, type: 'cyclonedx', inputName: 'sbom-cyclonedx' });
      const sbomManifest =
        flags.sbomManifest === undefined ? undefined : readManifest(path.resolve(flags.sbomManifest));
      const tempRoot = os.tmpdir();
      const report = await withSigningSession(
        {
          references: [subject],
          referenceInput: 'subject',
          key: keyFromFlag(flags.key),
          keyPassword: process.env.COSIGN_PASSWORD,
          registryUsername: flags.registryUsername,
          registryPassword: registryPassword(flags.registryUsername),
          tempRoot,
          logger,
          requireSignature: Boolean(flags.requireSignature),
          bundleDirectory: path.resolve(flags.bundleDirectory ?? path.join(tempRoot, 'sigstore-bundles')),
          ...trustFiles(flags),
        },
        (setup) =>
          attestImages({
            ...setup,
            subjects: [subject],
            predicates,
            sbomManifest,
            manifestName: '--sbom-manifest',
            allowSbomWithoutDigest: Boolean(flags.allowSbomWithoutDigest),
            overrideName: '--allow-sbom-without-digest',
          }),
      );
      printReport(context, report, 'Attestations', flags.json);
      return;
    }),
  );
}
