import type { Verdict } from '@release-actions/core';
import { withRegistrySession, type RegistryLoginOptions } from '@release-actions/oci';
import path from 'node:path';
import { repeatCommand } from './cli-command.js';
import { emitCommands, type EmittedCommands } from './emit.js';
import type { VerifyReport } from './report.js';
import { checkRequest } from './request.js';
import { reportVerdict, type VerifyVerdictCode } from './verdict.js';
import { verifyRelease, type VerifyOptions } from './verify.js';

/**
 * What the action and `release-actions verify` ask for: a verification, or only its commands.
 * The registry session (client, login, Docker config for cosign) is opened here, for the one call.
 */
export interface VerifyRequest
  extends
    Omit<VerifyOptions, 'client' | 'dockerConfigDirectory' | 'secrets'>,
    Omit<RegistryLoginOptions, 'logger' | 'exportDockerConfig'> {
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
  const { registryUsername, registryPassword, tempRoot, env, mask, ...options } = request;
  // Every input, files included, before a login is written or a registry asked.
  checkRequest({ ...options, trustedRoot: resolved(request.trustedRoot), key: resolved(request.key) });
  return await withRegistrySession(
    {
      references: [request.image],
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
