import type { Command } from 'commander';
import { enforceVerdict, InputError } from '@release-actions/core';
import {
  ADMISSION_ENGINES,
  BUNDLE_SOURCES,
  emitAdmission,
  parseChecks,
  renderVerifyText,
  reportJson,
  TRANSPARENCY_LOG_MODES,
  verify,
  verifyVerdict,
  type IdentityOptions,
  type Signer,
} from '@release-actions/verify';
import os from 'node:os';
import { reporting } from '../output.js';
import { action, type CommandContext } from '../program.js';
import { githubToken, registryPassword } from './sign.js';

interface VerifyFlags {
  repository: string;
  signer: string;
  workflow?: string;
  sourceRefPattern?: string;
  sourceRef?: string;
  workflowRefPattern?: string;
  workflowCommit?: string;
  trigger?: string;
  refPattern?: string;
  oidcIssuer?: string;
  checks?: string;
  sourceTag?: string;
  certificateIdentityRegexp?: string;
  allowUnanchored?: boolean;
  engine: string;
  trustedRoot?: string;
  key?: string;
  transparencyLog: string;
  registryUsername?: string;
  emit: string;
  source: string;
  file?: string;
  bundle?: string;
  checksums?: string;
  provenancePath?: string;
}

/** The image is the command's argument, not a flag. */
const RENAMED = { image: '<image>' };

function oneOf<T extends string>(input: string, value: string, accepted: readonly T[]): T {
  const match = accepted.find((a) => a === value.toLowerCase());
  if (match === undefined) {
    throw new InputError(`"${value}" is not accepted; use one of ${accepted.join(', ')}.`, { input });
  }
  return match;
}

export function registerVerify(program: Command, context: CommandContext): void {
  reporting(program.command('verify'))
    .description(
      'Verify a release: signature, SPDX and CycloneDX SBOM attestations and SLSA provenance, on the digest, with an anchored identity policy. Exit 0 verified, 1 a check failed, 2 error.',
    )
    .argument(
      '[image]',
      'image reference (registry/repository@sha256:… or :tag, resolved once); or give --file instead',
    )
    .option('--file <path>', 'a release file to verify instead of an image (its bundle, or --checksums)')
    .option(
      '--bundle <path>',
      'with --file: the Sigstore bundle (default <file>.sigstore.json, or <checksums>.sigstore.json)',
    )
    .option(
      '--checksums <file>',
      'with --file: a signed sha256sum-format checksums file that must list the file under its base name',
    )
    .option(
      '--provenance-path <file>',
      "with --file: the SLSA generic generator's .intoto.jsonl (slsa-verifier verify-artifact)",
    )
    .requiredOption(
      '--repository <owner/repo>',
      'repository that published the release (the certificate repository claim)',
    )
    .option(
      '--signer <reusable-workflow|workflow>',
      "who signed: our reusable workflow or the publisher's own workflow",
      'reusable-workflow',
    )
    .option(
      '--workflow <file>',
      'with --signer workflow: the workflow file, e.g. .github/workflows/release.yml',
    )
    .option(
      '--source-ref-pattern <glob>',
      "the publisher's ref the release was made from (certificate 1.3.6.1.4.1.57264.1.14; default refs/tags/v*)",
    )
    .option('--source-ref <ref>', "the publisher's exact ref, e.g. refs/tags/v1.2.3 (cosign checks it as is)")
    .option(
      '--workflow-ref-pattern <glob>',
      'with the reusable workflow: tags of aotanami/release-actions to accept besides any full commit SHA (default refs/tags/v*)',
    )
    .option(
      '--workflow-commit <sha>',
      'with the reusable workflow: the one commit of aotanami/release-actions to accept (also checks 1.3.6.1.4.1.57264.1.10)',
    )
    .option('--trigger <event>', "the event of the publisher's run, e.g. push (1.3.6.1.4.1.57264.1.20)")
    .option('--ref-pattern <glob>', 'retired: use --source-ref-pattern or --workflow-ref-pattern')
    .option('--oidc-issuer <url>', 'certificate OIDC issuer (default GitHub Actions)')
    .option(
      '--checks <list>',
      'comma-separated: signature,sbom-spdx,sbom-cyclonedx,provenance,vex (default all but vex)',
    )
    .option('--source-tag <tag>', 'git tag the provenance must name (slsa-verifier --source-tag)')
    .option(
      '--certificate-identity-regexp <regexp>',
      'expert override; must be anchored ^…$ with escaped dots',
    )
    .option('--allow-unanchored', 'accept a loose --certificate-identity-regexp (prints a warning)')
    .option('--engine <cosign|native>', 'cosign binary, or native (sigstore-js, no cosign)', 'cosign')
    .option('--trusted-root <file>', 'Sigstore TrustedRoot JSON (private deployments, offline)')
    .option(
      '--key <file>',
      'key-based: the public key (cosign.pub) the signatures must verify with, instead of a certificate identity',
    )
    .option(
      '--transparency-log <required|skip>',
      'skip: accept signatures no transparency log holds (made offline); only with --key',
      'required',
    )
    .option('--registry-username <user>', 'registry user (password in RELEASE_ACTIONS_REGISTRY_PASSWORD)')
    .option(
      '--source <registry|github|both>',
      "where the bundles are read: the registry, GitHub's attestation store of --repository (token in GITHUB_TOKEN or GH_TOKEN; none for a public repository), or both (each must pass); github and both need --engine native",
      'registry',
    )
    .option(
      '--emit <report|commands|kyverno|policy-controller>',
      'report: verify (default); commands: verify nothing, print (or write with -o) the consumer commands as Markdown; kyverno, policy-controller: verify nothing, print (or write with -o) the admission policy holding the same identity (docs/admission.md)',
      'report',
    )
    .action((image: string | undefined, flags: VerifyFlags) =>
      action(async () => {
        const logger = context.logger();
        const file =
          flags.file === undefined
            ? undefined
            : {
                file: flags.file,
                bundle: flags.bundle,
                checksums: flags.checksums,
                provenancePath: flags.provenancePath,
              };
        const fileOnly = (['bundle', 'checksums', 'provenancePath'] as const).find(
          (name) => flags[name] !== undefined,
        );
        if (file === undefined && fileOnly !== undefined) {
          throw new InputError('only with --file.', {
            input: fileOnly === 'provenancePath' ? 'provenance-path' : fileOnly,
          });
        }
        if ((image === undefined) === (file === undefined)) {
          throw new InputError(
            image === undefined
              ? 'give an image or --file <path>; neither was given.'
              : 'give an image or --file <path>, not both.',
            { input: 'image' },
          );
        }
        const emit = oneOf('emit', flags.emit, ['report', 'commands', ...ADMISSION_ENGINES] as const);
        const signer: Signer = oneOf('signer', flags.signer, ['reusable-workflow', 'workflow'] as const);
        const engine = oneOf('engine', flags.engine, ['cosign', 'native'] as const);
        const checks = parseChecks((flags.checks ?? '').split(','));
        const transparencyLog = oneOf('transparency-log', flags.transparencyLog, TRANSPARENCY_LOG_MODES);
        const source = oneOf('source', flags.source, BUNDLE_SOURCES);
        const username = flags.registryUsername;
        const password = registryPassword(username);
        const identity: IdentityOptions = {
          repository: flags.repository,
          signer,
          workflow: flags.workflow,
          sourceRefPattern: flags.sourceRefPattern,
          sourceRef: flags.sourceRef,
          workflowRefPattern: flags.workflowRefPattern,
          workflowCommit: flags.workflowCommit,
          trigger: flags.trigger,
          refPattern: flags.refPattern,
          issuer: flags.oidcIssuer,
          identityRegexp: flags.certificateIdentityRegexp,
          allowUnanchored: Boolean(flags.allowUnanchored),
        };
        if (emit === 'kyverno' || emit === 'policy-controller') {
          if (image === undefined) {
            throw new InputError('an admission policy is for an image, not a file.', { input: 'emit' });
          }
          // The policy matches the repository, not a digest: nothing is resolved, no registry asked.
          const policy = await emitAdmission({
            image,
            identity,
            checks,
            admission: emit,
            sourceTag: flags.sourceTag,
            trustedRoot: flags.trustedRoot,
            key: flags.key,
            transparencyLog,
          });
          context.emit(
            context.format === 'json'
              ? JSON.stringify({ engine: policy.engine, repository: policy.repository, policy: policy.yaml })
              : policy.yaml,
          );
          return;
        }
        const result = await verify({
          image,
          file,
          identity,
          checks,
          emit,
          engine,
          sourceTag: flags.sourceTag,
          trustedRoot: flags.trustedRoot,
          key: flags.key,
          transparencyLog,
          source,
          bundleSource:
            source === 'registry'
              ? undefined
              : (await import('@release-actions/github')).attestationSource({
                  repository: flags.repository,
                  token: githubToken(),
                  baseUrl: process.env.GITHUB_API_URL || undefined,
                  logger,
                }),
          registryUsername: username,
          registryPassword: password,
          tempRoot: os.tmpdir(),
          logger,
        });
        if (result.emit === 'commands') {
          // The one Markdown the CLI prints on purpose: the notes a release publishes.
          if (context.format === 'json') {
            context.emit(
              JSON.stringify({ digest: result.emitted.digest, commands: result.emitted.markdown }),
            );
          } else context.emit(result.emitted.markdown);
        } else {
          const report = result.report;
          context.report({
            text: (style) => renderVerifyText(result, style),
            json: () => reportJson(report),
          });
        }
        enforceVerdict(verifyVerdict(result));
      }, RENAMED),
    );
}
