import type { Command } from 'commander';
import { readManifest } from '@release-actions/sbom';
import { attestImages, renderAttestText } from '@release-actions/cosign';
import path from 'node:path';
import { action, type CommandContext } from '../program.js';
import {
  printReport,
  signingFromFlags,
  signingOptions,
  STORE_NAMES,
  storeFromFlags,
  storeIfAsked,
  type SigningFlags,
} from './sign.js';

interface AttestFlags extends SigningFlags {
  predicate?: string;
  type?: string;
  vex?: string;
  sbomSpdx?: string;
  sbomCyclonedx?: string;
  sbomManifest?: string;
  allowSbomWithoutDigest?: boolean;
}

/** A file flag, resolved; the attestation checks and reads it before anything else. */
function file(value: string | undefined): string | undefined {
  return value === undefined ? undefined : path.resolve(value);
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
      .option(
        '--vex <file>',
        "OpenVEX document (the scan command's openvex.json) to attest as openvex, on the image and every platform digest",
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
    action(
      async () => {
        const store = storeFromFlags(flags);
        const sbomManifest =
          flags.sbomManifest === undefined ? undefined : readManifest(path.resolve(flags.sbomManifest));
        const report = await attestImages({
          ...signingFromFlags(flags, context.logger()),
          subject,
          predicate: file(flags.predicate),
          type: flags.type,
          vex: file(flags.vex),
          sbomSpdx: file(flags.sbomSpdx),
          sbomCyclonedx: file(flags.sbomCyclonedx),
          sbomManifest,
          allowSbomWithoutDigest: Boolean(flags.allowSbomWithoutDigest),
        });
        const stored = await storeIfAsked(store, report, context.logger());
        printReport(context, report, renderAttestText, stored);
      },
      { subject: '<subject>', ...STORE_NAMES },
    ),
  );
}
