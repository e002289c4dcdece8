import { OperationalError } from '@release-actions/core';
import type { Logger, RetryPolicy } from '@release-actions/core';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { readBundle, rekorUrl } from './bundle.js';
import { runCosign } from './cosign.js';
import type { EntrySize } from './entry-size.js';
import type { CosignErrorCode } from './errors.js';
import type { SigningKey } from './key.js';
import type { SigningConfigInfo } from './trust-files.js';
import { hasOidcToken, NO_OIDC_EXPLANATION } from './oidc.js';
import type { Subject } from './subjects.js';
import { subjectReference } from './subjects.js';

/** What sign and attest share: how to sign, where bundles go, how to reach the registry. */
export interface SigningSetup {
  logger: Logger;
  /** Key-based signing when set; keyless (Fulcio + the runner's OIDC token) otherwise. */
  key?: SigningKey;
  /**
   * A private Sigstore deployment's (or an offline signer's) signing config, given to cosign as
   * --signing-config instead of the public-good one it fetches through TUF.
   */
  signingConfig?: SigningConfigInfo;
  /** The trusted root cosign checks each new bundle against (--trusted-root). */
  trustedRoot?: string;
  /** Fail instead of skipping when keyless signing has no OIDC token. */
  requireSignature: boolean;
  /** The front end's words for a missing token: the CLI names its flags, the action its inputs. */
  withoutToken?: WithoutTokenWords;
  /** Directory for the bundle files (created when missing). */
  bundleDirectory: string;
  /** DOCKER_CONFIG for cosign, when registry credentials were given. */
  dockerConfigDirectory?: string;
  /** Extra values to redact (registry passwords). */
  secrets?: readonly string[];
  retry: RetryPolicy;
  /** Where the OIDC request variables are looked up (default process.env). */
  env?: NodeJS.ProcessEnv;
  sleep?: (ms: number) => Promise<void>;
}

export type SigningMode = 'keyless' | 'key';

/** What to say when keyless signing finds no OIDC token: the error, or the reason for skipping. */
export interface WithoutTokenWords {
  required: (what: 'sign' | 'attest') => string;
  skipped: (what: 'sign' | 'attest') => string;
}

const ACTION_WORDS: WithoutTokenWords = {
  required: (what) =>
    `Cannot ${what}: ${NO_OIDC_EXPLANATION}, and require-signature is true. Grant \`id-token: write\` to the job, or give a key.`,
  skipped: (what) =>
    `Skipped: ${NO_OIDC_EXPLANATION}. Nothing was ${what === 'sign' ? 'signed' : 'attested'}; set require-signature: true to fail instead.`,
};

/** Keyless without an OIDC token skips (returns the reason) or, when a signature is required, fails. */
export function chooseMode(
  setup: SigningSetup,
  what: 'sign' | 'attest',
): { mode: SigningMode } | { skipped: string } {
  if (setup.key) return { mode: 'key' };
  if (hasOidcToken(setup.env ?? process.env)) return { mode: 'keyless' };
  const words = setup.withoutToken ?? ACTION_WORDS;
  if (setup.requireSignature) {
    throw new OperationalError<CosignErrorCode>(words.required(what), { code: 'NO_OIDC_TOKEN' });
  }
  const reason = words.skipped(what);
  setup.logger.notice(reason);
  return { skipped: reason };
}

export interface SigningRecord extends Subject {
  /** repository@digest, exactly as cosign was given it. */
  reference: string;
  bundle?: string;
  logIndex?: number;
  /** A link to the entry on the public instance's search; never set for a private signing config. */
  rekorUrl?: string;
  /** With a private signing config: the log that holds the entry (its URL, else its log id). */
  transparencyLog?: string;
  alreadyLogged: boolean;
  attempts: number;
  /** attest only: the predicate type and file. */
  predicateType?: string;
  predicate?: string;
}

export interface SigningReport {
  /** true when every subject was signed (or already logged); false when skipped. */
  signed: boolean;
  mode: SigningMode | 'skipped';
  skippedReason?: string;
  records: SigningRecord[];
}

/** The part of a file name that identifies a subject: last path segment and digest. */
export function bundleStem(subject: Subject): string {
  const name = subject.repository.split('/').pop() ?? 'image';
  return `${name}-${subject.digest.replace(':', '-')}`;
}

export function cosignEnvironment(setup: SigningSetup): Record<string, string> {
  return {
    ...(setup.key?.env ?? {}),
    ...(setup.dockerConfigDirectory ? { DOCKER_CONFIG: setup.dockerConfigDirectory } : {}),
  };
}

/** Where one cosign call put its signature: the bundle it wrote and the log entry in it. */
export interface BundleOutcome {
  bundle?: string;
  logIndex?: number;
  rekorUrl?: string;
  transparencyLog?: string;
  alreadyLogged: boolean;
  attempts: number;
}

/**
 * Runs one cosign command that writes the bundle file `bundle`, and reads back its log entry. The
 * file is removed first so that a bundle left by an earlier run is never reported as this one's.
 * `what` names the subject in the error when cosign succeeds without writing it.
 */
export async function signToBundle(
  setup: SigningSetup,
  what: string,
  args: (bundle: string) => string[],
  bundle: string,
  entry?: EntrySize,
): Promise<BundleOutcome> {
  rmSync(bundle, { force: true });
  const outcome = await runCosign(args(bundle), {
    logger: setup.logger,
    retry: setup.retry,
    env: cosignEnvironment(setup),
    secrets: [...(setup.key?.secrets ?? []), ...(setup.secrets ?? [])],
    sleep: setup.sleep,
    entry,
  });
  const result: BundleOutcome = { alreadyLogged: outcome.alreadyLogged, attempts: outcome.attempts };
  if (existsSync(bundle)) {
    const info = readBundle(bundle);
    result.bundle = bundle;
    if (info.logIndex !== undefined) {
      result.logIndex = info.logIndex;
      // search.sigstore.dev only knows the public log; a private one's index means nothing there.
      if (setup.signingConfig === undefined) result.rekorUrl = rekorUrl(info.logIndex);
      else {
        const log = logOf(setup.signingConfig, info.logId);
        if (log !== undefined) result.transparencyLog = log;
      }
    }
  } else if (!outcome.alreadyLogged) {
    throw new OperationalError<CosignErrorCode>(
      `cosign succeeded for ${what} but wrote no bundle to ${bundle}.`,
      { code: 'BUNDLE_INVALID' },
    );
  }
  return result;
}

/** signToBundle for an image digest, its bundle named `bundleName` in the bundle directory. */
export async function signOne(
  setup: SigningSetup,
  subject: Subject,
  args: (bundle: string) => string[],
  bundleName: string,
  entry?: EntrySize,
): Promise<SigningRecord> {
  mkdirSync(setup.bundleDirectory, { recursive: true });
  const reference = subjectReference(subject);
  const outcome = await signToBundle(
    setup,
    reference,
    args,
    path.join(setup.bundleDirectory, bundleName),
    entry,
  );
  return { ...subject, reference, ...outcome };
}

/** The log a private entry is in: the signing config's one log, else the bundle's log id. */
function logOf(config: SigningConfigInfo, logId: string | undefined): string | undefined {
  if (config.rekorUrls.length === 1) return config.rekorUrls[0];
  return logId === undefined ? undefined : `log ${logId}`;
}

/**
 * How cosign signs: the key, and the private deployment's files. cosign refuses
 * --use-signing-config together with --signing-config, so only the latter is ever passed.
 */
export function signerArguments(setup: SigningSetup): string[] {
  return [
    ...(setup.key ? ['--key', setup.key.keyArgument] : []),
    ...(setup.signingConfig ? ['--signing-config', setup.signingConfig.file] : []),
    ...(setup.trustedRoot ? ['--trusted-root', setup.trustedRoot] : []),
  ];
}
