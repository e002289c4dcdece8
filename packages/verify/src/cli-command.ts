import { formatCommand } from '@release-actions/core';
import { DEFAULT_CHECKS, type CheckName } from './checks.js';
import type { RequestOptions } from './request.js';
import type { FileTarget } from './file-target.js';
import {
  DEFAULT_SOURCE_REF_PATTERN,
  DEFAULT_WORKFLOW_REF_PATTERN,
  GITHUB_ACTIONS_ISSUER,
  type Signer,
} from './identity.js';

export interface CliCommandOptions {
  /** The image; or, for a release file, `file` instead. */
  image?: string;
  file?: FileTarget;
  repository: string;
  signer: Signer;
  workflow?: string;
  sourceRefPattern?: string;
  sourceRef?: string;
  workflowRefPattern?: string;
  workflowCommit?: string;
  trigger?: string;
  issuer?: string;
  checks?: readonly CheckName[];
  sourceTag?: string;
  engine?: 'cosign' | 'native';
  trustedRoot?: string;
  key?: string;
  transparencyLog?: 'required' | 'skip';
  source?: 'registry' | 'github' | 'both';
}

/** The `release-actions verify` command that repeats a verification, defaults left out. */
export function cliCommand(options: CliCommandOptions): string {
  const args = ['verify'];
  if (options.file !== undefined) {
    args.push('--file', options.file.file);
    if (options.file.bundle) args.push('--bundle', options.file.bundle);
    if (options.file.checksums) args.push('--checksums', options.file.checksums);
    if (options.file.provenancePath) args.push('--provenance-path', options.file.provenancePath);
  } else args.push(options.image ?? '');
  args.push('--repository', options.repository);
  if (options.signer !== 'reusable-workflow') args.push('--signer', options.signer);
  if (options.workflow !== undefined) args.push('--workflow', options.workflow);
  if (options.sourceRefPattern !== undefined && options.sourceRefPattern !== DEFAULT_SOURCE_REF_PATTERN) {
    args.push('--source-ref-pattern', options.sourceRefPattern);
  }
  if (options.sourceRef !== undefined) args.push('--source-ref', options.sourceRef);
  if (
    options.workflowRefPattern !== undefined &&
    options.workflowRefPattern !== DEFAULT_WORKFLOW_REF_PATTERN
  ) {
    args.push('--workflow-ref-pattern', options.workflowRefPattern);
  }
  if (options.workflowCommit !== undefined) args.push('--workflow-commit', options.workflowCommit);
  if (options.trigger !== undefined) args.push('--trigger', options.trigger);
  if (options.issuer !== undefined && options.issuer !== GITHUB_ACTIONS_ISSUER) {
    args.push('--oidc-issuer', options.issuer);
  }
  const defaultChecks =
    options.file === undefined
      ? DEFAULT_CHECKS
      : options.file.provenancePath
        ? ['signature', 'provenance']
        : ['signature'];
  if (options.checks !== undefined && options.checks.join(',') !== defaultChecks.join(',')) {
    args.push('--checks', options.checks.join(','));
  }
  if (options.sourceTag !== undefined) args.push('--source-tag', options.sourceTag);
  if (options.engine === 'native') args.push('--engine', 'native');
  if (options.trustedRoot !== undefined) args.push('--trusted-root', options.trustedRoot);
  if (options.key !== undefined) args.push('--key', options.key);
  if (options.transparencyLog === 'skip') args.push('--transparency-log', 'skip');
  if (options.source !== undefined && options.source !== 'registry') args.push('--source', options.source);
  return formatCommand('release-actions', args);
}

/** The command that repeats a verification of `image` (the digest it resolved to) with these options. */
export function repeatCommand(
  image: string | FileTarget,
  options: Omit<RequestOptions, 'image'> & Pick<CliCommandOptions, 'engine' | 'trustedRoot'>,
): string {
  const { identity } = options;
  return cliCommand({
    ...(typeof image === 'string' ? { image } : { file: image }),
    repository: identity.repository,
    signer: identity.signer,
    workflow: identity.workflow,
    sourceRefPattern: identity.sourceRefPattern,
    sourceRef: identity.sourceRef,
    workflowRefPattern: identity.workflowRefPattern,
    workflowCommit: identity.workflowCommit,
    trigger: identity.trigger,
    issuer: identity.issuer,
    checks: options.checks,
    sourceTag: options.sourceTag,
    engine: options.engine,
    trustedRoot: options.trustedRoot,
    key: options.key,
    transparencyLog: options.transparencyLog,
    source: options.source,
  });
}
