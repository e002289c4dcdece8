import { subjectsOf } from '@release-actions/cosign';
import type { RegistryClient } from '@release-actions/oci';
import { repeatCommand } from './cli-command.js';
import { equivalentCommands, fileCommands, type SubjectDigest } from './commands.js';
import { RELEASE_FILE, type FileTarget } from './file-target.js';
import { checkFileRequest, subjectOf } from './file-verify.js';
import { checkRequest, type RequestOptions } from './request.js';

/**
 * The consumer's commands for one release, written without verifying anything: what the release
 * workflow puts in the release notes. They come from the same builders as the commands a
 * verification prints, so the notes cannot drift from the tool.
 */

export interface EmitOptions extends RequestOptions {
  engine?: 'cosign' | 'native';
  trustedRoot?: string;
  client: RegistryClient;
}

export interface EmittedCommands {
  reference: string;
  digest: string;
  /** `release-actions verify …`. */
  releaseActions: string;
  /** The cosign and slsa-verifier commands, one per check and digest. */
  commands: string[];
  markdown: string;
}

export async function emitCommands(options: EmitOptions): Promise<EmittedCommands> {
  const { policy, reference, sourceTag, transparencyLog } = checkRequest(options);
  const resolved = await options.client.resolve(reference);
  const isIndex = (resolved.platforms?.length ?? 0) > 0;
  const subjects: SubjectDigest[] = subjectsOf(resolved).map((s, i) => ({
    reference: s.reference,
    top: i === 0,
    index: i === 0 && isIndex,
  }));
  const releaseActions = repeatCommand(resolved.reference, options);
  const commands = equivalentCommands(subjects, options.checks, {
    policy,
    trustedRoot: options.trustedRoot,
    sourceTag,
    ...(options.key === undefined ? {} : { key: options.key, transparencyLog }),
  });
  return {
    reference: resolved.reference,
    digest: resolved.digest,
    releaseActions,
    commands,
    markdown: releaseNotes(releaseActions, commands, isIndex),
  };
}

/** The Markdown block for the release notes. */
export function releaseNotes(releaseActions: string, commands: readonly string[], isIndex: boolean): string {
  const lines = [
    '### Verify this release',
    '',
    'Every check in one command ([release-actions](https://github.com/aotanami/release-actions), exit 0 only when all pass):',
    '',
    '```sh',
    releaseActions,
    '```',
    '',
    'The same checks with cosign and slsa-verifier:',
    '',
    '```sh',
    ...commands,
    '```',
  ];
  if (isIndex) {
    lines.push(
      '',
      'The image is a multi-platform index: the index and every platform manifest are signed, each platform carries its own SPDX and CycloneDX SBOM attestations (the index carries none), and the SLSA provenance is of the index.',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The consumer's commands for a release file: its SHA-256 is read, nothing is verified. */
export async function emitFileCommands(
  options: Omit<RequestOptions, 'image'> & { file: FileTarget; trustedRoot?: string },
  releaseActions: string,
): Promise<EmittedCommands> {
  const { policy, sourceTag, transparencyLog, target } = checkFileRequest(options);
  const { streamFile } = await import('./blob-native.js');
  const sha256 = streamFile(target.file, RELEASE_FILE).sha256;
  const commands = fileCommands(subjectOf(target), target.checks, {
    policy,
    trustedRoot: options.trustedRoot,
    sourceTag,
    ...(options.key === undefined ? {} : { key: options.key, transparencyLog }),
  });
  return {
    reference: target.file,
    digest: `sha256:${sha256}`,
    releaseActions,
    commands,
    markdown: releaseNotes(releaseActions, commands, false),
  };
}
