import type { Command } from 'commander';
import { InputError, Markdown } from '@release-actions/core';
import {
  FLAG_NAMES,
  signImages,
  signingOutputs,
  withSigningSession,
  renderSigningSummary,
  type SigningReport,
} from '@release-actions/cosign';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { action, type CommandContext } from '../program.js';

export interface SigningFlags {
  key?: string;
  requireSignature?: boolean;
  bundleDirectory?: string;
  registryUsername?: string;
  signingConfig?: string;
  trustedRoot?: string;
  json?: boolean;
}

/** The private Sigstore files, resolved here and checked by the session (named by their flags). */
export function trustFiles(flags: SigningFlags): {
  signingConfig?: string;
  trustedRoot?: string;
  trustFileNames: typeof FLAG_NAMES;
} {
  return {
    ...(flags.signingConfig === undefined ? {} : { signingConfig: path.resolve(flags.signingConfig) }),
    ...(flags.trustedRoot === undefined ? {} : { trustedRoot: path.resolve(flags.trustedRoot) }),
    trustFileNames: FLAG_NAMES,
  };
}

/** `--key`: a KMS URI as is, or a PEM key file read here (cosign gets a private copy). */
export function keyFromFlag(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (/^[a-z0-9]+:\/\//.test(value)) return value;
  if (!existsSync(value))
    throw new InputError(`--key: ${value} is neither a KMS URI nor an existing key file.`);
  return readFileSync(value, 'utf8');
}

/** The registry password comes from the environment, never from a flag that shows in `ps`. */
export function registryPassword(username: string | undefined): string | undefined {
  if (username === undefined) return undefined;
  const password = process.env.RELEASE_ACTIONS_REGISTRY_PASSWORD;
  if (!password) {
    throw new InputError('--registry-username needs the password in RELEASE_ACTIONS_REGISTRY_PASSWORD.');
  }
  return password;
}

export function printReport(
  context: CommandContext,
  report: SigningReport,
  title: string,
  json?: boolean,
): void {
  if (json) {
    context.out(JSON.stringify({ ...signingOutputs(report), records: report.records }, null, 2));
    return;
  }
  const document = new Markdown();
  renderSigningSummary(report, document, title);
  context.out(document.toString());
}

export function signingOptions(command: Command): Command {
  return command
    .option(
      '--key <kms-uri|file>',
      'key-based signing: a KMS URI or a cosign PEM key file (password in COSIGN_PASSWORD)',
    )
    .option('--require-signature', 'fail instead of skipping when keyless signing has no OIDC token')
    .option('--bundle-directory <dir>', 'directory for the Sigstore bundles (default: a temporary directory)')
    .option('--registry-username <user>', 'registry user (password in RELEASE_ACTIONS_REGISTRY_PASSWORD)')
    .option(
      '--signing-config <file>',
      "a private Sigstore deployment's signing config (cosign signing-config create); default: the public-good instance",
    )
    .option(
      '--trusted-root <file>',
      'its trusted root (cosign trusted-root create), to check each new bundle',
    )
    .option('--json', 'print the result as JSON');
}

interface SignFlags extends SigningFlags {
  annotation?: string[];
}

export function registerSign(program: Command, context: CommandContext): void {
  signingOptions(
    program
      .command('sign')
      .description(
        'Sign images with cosign by digest (tags are resolved; an index is signed with each platform).',
      )
      .argument('<images...>', 'image references (registry/repository@sha256:… or :tag)')
      .option('-a, --annotation <key=value...>', 'annotation to sign with each image'),
  ).action((images: string[], flags: SignFlags) =>
    action(async () => {
      const logger = context.logger();
      const tempRoot = os.tmpdir();
      const registryUsername = flags.registryUsername;
      const report = await withSigningSession(
        {
          references: images,
          referenceInput: 'images',
          key: keyFromFlag(flags.key),
          keyPassword: process.env.COSIGN_PASSWORD,
          registryUsername,
          registryPassword: registryPassword(registryUsername),
          tempRoot,
          logger,
          requireSignature: Boolean(flags.requireSignature),
          bundleDirectory: path.resolve(flags.bundleDirectory ?? path.join(tempRoot, 'sigstore-bundles')),
          ...trustFiles(flags),
        },
        (setup) => signImages({ ...setup, images, annotations: flags.annotation ?? [] }),
      );
      printReport(context, report, 'Signatures', flags.json);
      return;
    }),
  );
}
