import { Option, type Command } from 'commander';
import { InputError, readInputFile } from '@release-actions/core';
import type { Logger, TextStyle } from '@release-actions/core';
import {
  checkSomethingToSign,
  combinedOutputs,
  expandBlobFiles,
  renderFileText,
  renderSignText,
  SIGNING_KEY_FILE,
  signFiles,
  signImages,
  type FileSigningReport,
  type SigningOptions,
  type SigningReport,
  type WithoutTokenWords,
} from '@release-actions/cosign';
import {
  checkStore,
  renderStoreText,
  storeIfAsked,
  storeOutputs,
  type GitHubStoreTarget,
  type StoreResult,
} from '@release-actions/github';
import os from 'node:os';
import path from 'node:path';
import { reporting } from '../output.js';
import { action, type CommandContext } from '../program.js';

export interface SigningFlags {
  key?: string;
  skipWithoutOidc?: boolean;
  bundleDirectory?: string;
  registryUsername?: string;
  signingConfig?: string;
  trustedRoot?: string;
  store: string;
  repository?: string;
}

/** The token comes from the environment (GITHUB_TOKEN, else GH_TOKEN), never from a flag. */
export function githubToken(): string | undefined {
  return process.env.GITHUB_TOKEN?.trim() || process.env.GH_TOKEN?.trim() || undefined;
}

/** The inputs sign and attest name differently on the command line. */
export const STORE_NAMES = { token: 'GITHUB_TOKEN' };

/** --store both: GitHub's attestation store of --repository (default $GITHUB_REPOSITORY), checked before signing. */
export function storeFromFlags(flags: SigningFlags): GitHubStoreTarget | undefined {
  const store = flags.store.toLowerCase();
  if (store !== 'registry' && store !== 'github' && store !== 'both') {
    throw new InputError(`"${flags.store}" is not accepted; use registry or both.`, { input: 'store' });
  }
  return checkStore({
    store,
    repository: flags.repository ?? process.env.GITHUB_REPOSITORY,
    token: githubToken(),
  });
}

/**
 * Outside GitHub Actions there is no job to grant `id-token: write` to: keyless signing without a
 * token is an error (exit 2) unless --skip-without-oidc asks to skip, so a run never exits 0
 * having signed nothing by accident.
 */
export const CLI_WITHOUT_TOKEN: WithoutTokenWords = {
  required: () =>
    'keyless signing needs an OIDC token (run in GitHub Actions with id-token: write) or use --key',
  skipped: (what) =>
    `Skipped (--skip-without-oidc): keyless signing needs an OIDC token and there is none; nothing was ${what === 'sign' ? 'signed' : 'attested'}.`,
};

/** `--key`: a KMS URI as is, or a PEM key file read here (cosign gets a private copy). */
export function keyFromFlag(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (/^[a-z0-9]+:\/\//.test(value)) return value;
  return readInputFile(value, SIGNING_KEY_FILE);
}

/** The registry password comes from the environment, never from a flag that shows in `ps`. */
export function registryPassword(username: string | undefined): string | undefined {
  if (username === undefined) return undefined;
  const password = process.env.RELEASE_ACTIONS_REGISTRY_PASSWORD;
  if (!password) {
    throw new InputError('needs the password in RELEASE_ACTIONS_REGISTRY_PASSWORD.', {
      input: 'registry-username',
    });
  }
  return password;
}

const resolved = (file: string | undefined): string | undefined =>
  file === undefined ? undefined : path.resolve(file);

/** What sign and attest take from the flags they share (the key's password from COSIGN_PASSWORD). */
export function signingFromFlags(flags: SigningFlags, logger: Logger): SigningOptions {
  const key = keyFromFlag(flags.key);
  return {
    key,
    keyPassword: key === undefined ? undefined : process.env.COSIGN_PASSWORD,
    requireSignature: !flags.skipWithoutOidc,
    withoutToken: CLI_WITHOUT_TOKEN,
    registryUsername: flags.registryUsername,
    registryPassword: registryPassword(flags.registryUsername),
    bundleDirectory: resolved(flags.bundleDirectory),
    signingConfig: resolved(flags.signingConfig),
    trustedRoot: resolved(flags.trustedRoot),
    tempRoot: os.tmpdir(),
    logger,
  };
}

/** The report as the action's outputs plus the records (--format json), or as text. */
export function printReport(
  context: CommandContext,
  report: SigningReport | undefined,
  text: (report: SigningReport, style: TextStyle) => string,
  stored?: StoreResult,
  files?: FileSigningReport,
): void {
  context.report({
    text: (style) =>
      [report === undefined ? '' : text(report, style), renderFileText(files, style), renderStoreText(stored)]
        .filter((t) => t !== '')
        .join('\n'),
    json: () => ({
      ...combinedOutputs(report, files),
      ...(stored === undefined ? {} : storeOutputs(stored)),
      records: report?.records ?? [],
      ...(files === undefined ? {} : { fileRecords: files.records }),
    }),
  });
}

/** Collects a repeatable flag's values. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * `--file` paths as the shell expanded them: each must be a regular file; the command line signs
 * what it is given, wherever it is.
 */
export function filesFromFlags(files: readonly string[]): Promise<string[]> {
  return expandBlobFiles(files, { input: 'file', workspace: process.cwd(), confine: false });
}

export function signingOptions(command: Command): Command {
  return reporting(command)
    .option(
      '--key <kms-uri|file>',
      'key-based signing: a KMS URI or a cosign PEM key file (password in COSIGN_PASSWORD)',
    )
    .option(
      '--skip-without-oidc',
      'keyless without an OIDC token: skip (exit 0, nothing signed) instead of failing (exit 2)',
    )
    .addOption(
      new Option(
        '--require-signature',
        'deprecated: failing without an OIDC token is the default',
      ).hideHelp(),
    )
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
    .option(
      '--store <registry|both>',
      "registry: the bundles stay where cosign attaches them; both: also POST them to GitHub's attestation store (token in GITHUB_TOKEN or GH_TOKEN, attestations: write)",
      'registry',
    )
    .option(
      '--repository <owner/repo>',
      'with --store both: whose attestation store (default: $GITHUB_REPOSITORY)',
    );
}

interface SignFlags extends SigningFlags {
  annotation?: string[];
  file: string[];
  checksumsFile?: string;
}

export function registerSign(program: Command, context: CommandContext): void {
  signingOptions(
    program
      .command('sign')
      .description(
        'Sign images with cosign by digest (tags are resolved; an index is signed with each platform), and release files (sign-blob, the bundle beside each file).',
      )
      .argument('[images...]', 'image references (registry/repository@sha256:… or :tag)')
      .option('-a, --annotation <key=value...>', 'annotation to sign with each image')
      .option(
        '--file <path>',
        'a release file to sign (repeatable); its bundle is written beside it as <file>.sigstore.json',
        collect,
        [],
      )
      .option(
        '--checksums-file <path>',
        "with --file: write the files' SHA-256 sums there (sha256sum format) and sign only that file",
      ),
  ).action((images: string[], flags: SignFlags) =>
    action(
      async () => {
        checkSomethingToSign(images, flags.file, 'images');
        if (flags.checksumsFile !== undefined && flags.file.length === 0) {
          throw new InputError('it lists the sums of the --file files; give them.', {
            input: 'checksums-file',
          });
        }
        const store = storeFromFlags(flags);
        const signing = signingFromFlags(flags, context.logger());
        const checksumsFile = resolved(flags.checksumsFile);
        const files = await filesFromFlags(flags.file);
        const report =
          images.length === 0
            ? undefined
            : await signImages({ ...signing, images, annotations: flags.annotation ?? [] });
        const fileReport =
          files.length === 0 ? undefined : await signFiles({ ...signing, files, checksumsFile });
        const stored = await storeIfAsked(store, report, context.logger());
        printReport(context, report, renderSignText, stored, fileReport);
      },
      { images: '<images>', annotations: '--annotation', files: '--file', ...STORE_NAMES },
    ),
  );
}
