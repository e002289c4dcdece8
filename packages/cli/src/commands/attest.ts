import type { Command } from 'commander';
import { readManifest } from '@release-actions/sbom';
import {
  attestFiles,
  attestImages,
  checkSomethingToSign,
  fileAttestationOf,
  renderAttestText,
} from '@release-actions/cosign';
import { storeIfAsked } from '@release-actions/github';
import path from 'node:path';
import { action, type CommandContext } from '../program.js';
import {
  collect,
  filesFromFlags,
  printReport,
  signingFromFlags,
  signingOptions,
  STORE_NAMES,
  storeFromFlags,
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
  file: string[];
}

/** A file flag, resolved; the attestation checks and reads it before anything else. */
function file(value: string | undefined): string | undefined {
  return value === undefined ? undefined : path.resolve(value);
}

export function registerAttest(program: Command, context: CommandContext): void {
  signingOptions(
    program
      .command('attest')
      .description(
        'Attest a predicate (SBOM, provenance, VEX…) for an image with cosign, by digest, or for release files (attest-blob).',
      )
      .argument('[subject]', 'image reference (registry/repository@sha256:… or :tag)')
      .option(
        '--file <path>',
        'a release file to attest with --predicate and --type (repeatable); its bundle is written beside it as <file>.<type>.sigstore.json',
        collect,
        [],
      )
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
  ).action((subject: string | undefined, flags: AttestFlags) =>
    action(
      async () => {
        checkSomethingToSign(subject === undefined ? [] : [subject], flags.file, 'subject');
        const store = storeFromFlags(flags);
        const sbomManifest =
          flags.sbomManifest === undefined ? undefined : readManifest(path.resolve(flags.sbomManifest));
        const request = {
          ...signingFromFlags(flags, context.logger()),
          subject: subject ?? '',
          predicate: file(flags.predicate),
          type: flags.type,
          vex: file(flags.vex),
          sbomSpdx: file(flags.sbomSpdx),
          sbomCyclonedx: file(flags.sbomCyclonedx),
          sbomManifest,
          allowSbomWithoutDigest: Boolean(flags.allowSbomWithoutDigest),
        };
        const files = await filesFromFlags(flags.file);
        const fileRequest = files.length === 0 ? undefined : fileAttestationOf(request, files);
        const report = subject === undefined ? undefined : await attestImages(request);
        const fileReport = fileRequest === undefined ? undefined : await attestFiles(fileRequest);
        const stored = await storeIfAsked(store, report, context.logger());
        printReport(context, report, renderAttestText, stored, fileReport);
      },
      { subject: '<subject>', files: '--file', ...STORE_NAMES },
    ),
  );
}
