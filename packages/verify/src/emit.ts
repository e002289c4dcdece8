import { InputError } from '@release-actions/core';
import { subjectsOf } from '@release-actions/cosign';
import { parseReference, type RegistryClient } from '@release-actions/oci';
import { checkSourceTag, type CheckName } from './checks.js';
import { cliCommand, type CliCommandOptions } from './cli-command.js';
import { equivalentCommands, tagOfRef, type SubjectDigest } from './commands.js';
import { buildIdentityPolicy, type IdentityOptions } from './identity.js';
import { checkTransparencyLog, KEY_INPUT_NAMES, type KeyNames, type TransparencyLogMode } from './key.js';

/**
 * The consumer's commands for one release, written without verifying anything: what the release
 * workflow puts in the release notes. They come from the same builders as the commands a
 * verification prints, so the notes cannot drift from the tool.
 */

export interface EmitOptions {
  /** Tag or digest reference; a tag is resolved once, as verify does. */
  image: string;
  identity: IdentityOptions;
  checks: readonly CheckName[];
  sourceTag?: string;
  engine?: 'cosign' | 'native';
  trustedRoot?: string;
  /** Key-based: the public key file the consumer verifies with. */
  key?: string;
  transparencyLog?: TransparencyLogMode;
  keyNames?: KeyNames;
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
  const policy = buildIdentityPolicy(options.identity);
  if (options.checks.length === 0) throw new InputError(`Input 'checks': name at least one check.`);
  checkTransparencyLog(
    options.transparencyLog ?? 'required',
    options.key,
    options.keyNames ?? KEY_INPUT_NAMES,
  );
  let reference;
  try {
    reference = parseReference(options.image);
  } catch (error) {
    throw new InputError(`Input 'image': ${(error as Error).message}`);
  }
  const sourceTag = checkSourceTag(options.sourceTag) ?? tagOfRef(policy.sourceRef);
  const resolved = await options.client.resolve(reference);
  const isIndex = (resolved.platforms?.length ?? 0) > 0;
  const subjects: SubjectDigest[] = subjectsOf(resolved).map((s, i) => ({
    reference: s.reference,
    top: i === 0,
    index: i === 0 && isIndex,
  }));
  const { identity } = options;
  const cli: CliCommandOptions = {
    image: resolved.reference,
    repository: identity.repository,
    signer: identity.signer,
    checks: options.checks,
  };
  const optional = {
    workflow: identity.workflow,
    sourceRefPattern: identity.sourceRefPattern,
    sourceRef: identity.sourceRef,
    workflowRefPattern: identity.workflowRefPattern,
    workflowCommit: identity.workflowCommit,
    trigger: identity.trigger,
    issuer: identity.issuer,
    sourceTag: options.sourceTag,
    engine: options.engine,
    trustedRoot: options.trustedRoot,
    key: options.key,
    transparencyLog: options.transparencyLog,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (cli as unknown as Record<string, unknown>)[key] = value;
  }
  const releaseActions = cliCommand(cli);
  const commands = equivalentCommands(subjects, options.checks, {
    policy,
    trustedRoot: options.trustedRoot,
    sourceTag,
    ...(options.key === undefined
      ? {}
      : { key: options.key, transparencyLog: options.transparencyLog ?? 'required' }),
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
