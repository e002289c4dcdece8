import { listed, OperationalError } from '@release-actions/core';
import type { DownloadError } from './download.js';
import type { ToolsErrorCode } from './errors.js';
import type { ResolvedAsset } from './manifest.js';

/**
 * The one line a failed download ends with, worded for someone who may simply be offline: what
 * failed (DNS, refused, TLS, HTTP status, a short body) and what to do. Never a checksum: a body
 * that did not arrive whole was not compared with the pin, and the hash of nothing (e3b0c442…)
 * would read like tampering.
 */

export interface AdviceOptions {
  /** The mirror the URL was rewritten to, when one was given. */
  mirror?: string;
  /**
   * How the front end names its mirror setting: `--mirror` (CLI), `the 'mirror' input` (setup).
   * Other callers install as a side effect and have no such setting of their own.
   */
  mirrorSetting?: string;
}

const DEFAULT_SETTING = "a mirror (release-actions install --mirror, or the setup action's 'mirror' input)";

/** `cosign v3.1.3 linux-x64`: how every line about one asset starts. */
export function label(asset: ResolvedAsset): string {
  return `${asset.tool} ${asset.version} ${asset.platform}`;
}

function reachAdvice(tools: readonly string[], network: NetworkKind, options: AdviceOptions): string {
  if (network === 'tls')
    return "a proxy or mirror with its own certificate authority needs NODE_EXTRA_CA_CERTS set to that CA's certificate file";
  const them = tools.length === 1 ? tools[0]! : 'them';
  if (options.mirror)
    return `check ${options.mirrorSetting ?? 'the mirror'} (${options.mirror}), or put ${them} on PATH`;
  return `use ${options.mirrorSetting ?? DEFAULT_SETTING}, put ${them} on PATH, or install on a connected machine`;
}

type NetworkKind = 'tls' | 'other';

/**
 * A download host that gave no answer. installMany folds those of several tools with the same
 * host and reason into one line: offline, five tools would otherwise say the same thing five times.
 */
export class UnreachableError extends OperationalError<ToolsErrorCode> {
  override readonly name: string = 'UnreachableError';
  constructor(
    readonly asset: ResolvedAsset,
    /** "cannot reach github.com (DNS lookup failed: ENOTFOUND)" */
    readonly what: string,
    readonly tried: string,
    readonly network: NetworkKind,
    readonly advice: AdviceOptions,
  ) {
    super(`${label(asset)}: ${what}${tried}; ${reachAdvice([asset.tool], network, advice)}.`, {
      code: 'DOWNLOAD_UNREACHABLE',
    });
  }

  /** Whether `other` failed the same way, so that one line can say it for both. */
  sameAs(other: UnreachableError): boolean {
    return this.what === other.what && this.asset.platform === other.asset.platform;
  }

  /** One line for several tools that failed the same way (this one first). */
  static folded(errors: readonly UnreachableError[]): UnreachableError | OperationalError<ToolsErrorCode> {
    const [first] = errors;
    if (errors.length === 1) return first!;
    const tools = errors.map((e) => `${e.asset.tool} ${e.asset.version}`);
    return new OperationalError<ToolsErrorCode>(
      `${listed(tools, 'and')} (${first!.asset.platform}): ${first!.what}${first!.tried}; ${reachAdvice(
        errors.map((e) => e.asset.tool),
        first!.network,
        first!.advice,
      )}.`,
      { code: 'DOWNLOAD_UNREACHABLE' },
    );
  }
}

/** The error a failed download ends the install with (DOWNLOAD_UNREACHABLE or DOWNLOAD_FAILED). */
export function downloadFailure(
  asset: ResolvedAsset,
  error: DownloadError,
  options: AdviceOptions,
): OperationalError<ToolsErrorCode> {
  const tried = error.attempts > 1 ? ` (tried ${error.attempts} times)` : '';
  if (error.failure.kind === 'network') {
    const kind = error.failure.network.kind === 'tls' ? 'tls' : 'other';
    return new UnreachableError(asset, error.message, tried, kind, options);
  }
  return new OperationalError<ToolsErrorCode>(failedMessage(asset, error, options, tried), {
    code: 'DOWNLOAD_FAILED',
  });
}

function failedMessage(
  asset: ResolvedAsset,
  error: DownloadError,
  options: AdviceOptions,
  tried: string,
): string {
  const failure = error.failure;
  const head = `${label(asset)}: ${error.message}${tried}`;
  switch (failure.kind) {
    case 'network':
      return head;
    case 'status':
      if (failure.status === 404)
        return `${head}; check the version${options.mirror ? ' and that the mirror holds this file' : ''}.`;
      return `${head}; nothing was downloaded.`;
    case 'incomplete':
      return `${head}; the partial download was deleted and nothing was cached.`;
    case 'empty':
      return `${head}; nothing was cached${options.mirror ? ', check the mirror' : ''}.`;
  }
}

/** Only for a body that arrived whole, of the size the server announced. */
export function checksumMismatchMessage(
  asset: ResolvedAsset,
  got: { sha256: string; bytes: number },
): string {
  const pin = asset.sha256FromCaller ? 'the given checksum' : 'the pinned checksum';
  return `${label(asset)}: checksum mismatch for ${asset.url}: expected sha256 ${asset.sha256}, got ${got.sha256} over ${got.bytes} bytes; the download may have been tampered with or ${pin} is wrong. It was deleted and nothing was cached.`;
}
