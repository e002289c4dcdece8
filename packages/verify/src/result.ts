import type { Verdict } from '@release-actions/core';
import { withRegistrySession, type RegistryLoginOptions } from '@release-actions/oci';
import path from 'node:path';
import { repeatCommand } from './cli-command.js';
import { emitCommands, type EmittedCommands } from './emit.js';
import type { VerifyReport } from './report.js';
import { checkRequest } from './request.js';
import { InputError } from '@release-actions/core';
import type { FileTarget } from './file-target.js';
import { checkFileRequest, verifyFile } from './file-verify.js';
import { emitFileCommands } from './emit.js';
import { reportVerdict, type VerifyVerdictCode } from './verdict.js';
import { verifyRelease, type VerifyOptions } from './verify.js';

/**
 * What the action and `release-actions verify` ask for: a verification, or only its commands.
 * The registry session (client, login, Docker config for cosign) is opened here, for the one call.
 */
export interface VerifyRequest
  extends
    Omit<VerifyOptions, 'client' | 'dockerConfigDirectory' | 'secrets' | 'image'>,
    Omit<RegistryLoginOptions, 'logger' | 'exportDockerConfig'> {
  /** The image; exactly one of image and file. */
  image?: string;
  /** A release file instead of an image: its bundle, checksums file and provenance. */
  file?: FileTarget;
  /** report: verify (default); commands: verify nothing, write the consumer's commands. */
  emit?: 'report' | 'commands';
}

export type VerifyResult =
  | {
      emit: 'report';
      report: VerifyReport;
      /** The `release-actions verify` command that repeats this verification. */
      command: string;
    }
  | { emit: 'commands'; emitted: EmittedCommands };

const resolved = (file: string | undefined) => (file === undefined ? undefined : path.resolve(file));

/**
 * The one call both front ends make. The key and trusted root are read from their resolved
 * paths; the commands a person copies show them as given.
 */
export async function verify(request: VerifyRequest): Promise<VerifyResult> {
  const { registryUsername, registryPassword, tempRoot, env, mask, file, image, ...options } = request;
  if (file !== undefined) return await verifyFileRequest(request, file);
  if (image === undefined) {
    throw new InputError('give exactly one of image and file; neither was given.', { input: 'image' });
  }
  // Every input, files included, before a login is written or a registry asked.
  checkRequest({
    ...options,
    image,
    trustedRoot: resolved(request.trustedRoot),
    key: resolved(request.key),
  });
  return await withRegistrySession(
    {
      references: [image],
      input: 'image',
      registryUsername,
      registryPassword,
      tempRoot,
      env,
      mask,
      logger: request.logger,
    },
    async (session): Promise<VerifyResult> => {
      const withSession = {
        ...options,
        image,
        client: session.client,
        dockerConfigDirectory: session.dockerConfig?.directory,
        secrets: session.secrets,
      };
      if (request.emit === 'commands') {
        return { emit: 'commands', emitted: await emitCommands(withSession) };
      }
      const report = await verifyRelease({
        ...withSession,
        trustedRoot: resolved(request.trustedRoot),
        key: resolved(request.key),
      });
      return { emit: 'report', report, command: repeatCommand(report.reference, request) };
    },
  );
}

/** A release file: no registry session; the files are read from their paths. */
async function verifyFileRequest(request: VerifyRequest, file: FileTarget): Promise<VerifyResult> {
  if (request.image !== undefined && request.image !== '') {
    throw new InputError('give exactly one of image and file, not both.', { input: 'file' });
  }
  const {
    registryUsername: _username,
    registryPassword: _password,
    tempRoot: _tempRoot,
    env: _env,
    mask: _mask,
    image: _image,
    emit,
    ...options
  } = request;
  const absolute = { ...options, trustedRoot: resolved(request.trustedRoot), key: resolved(request.key) };
  const { target } = checkFileRequest({ ...absolute, file });
  const repeat = repeatCommand(file, { ...request, checks: target.checks });
  if (emit === 'commands') {
    return { emit: 'commands', emitted: await emitFileCommands({ ...request, file }, repeat) };
  }
  const report = await verifyFile({ ...absolute, file });
  return { emit: 'report', report, command: repeat };
}

/** Emitting the commands decides nothing; a verification is the report's verdict. */
export function verifyVerdict(result: VerifyResult): Verdict<VerifyVerdictCode> {
  if (result.emit === 'commands') {
    return {
      outcome: 'passed',
      code: 'VERIFIED',
      message: `commands written for ${result.emitted.reference}`,
    };
  }
  return reportVerdict(result.report);
}
