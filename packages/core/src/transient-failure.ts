/**
 * Which failures of the Go tools we run (cosign, helm, syft, grype) are worth another attempt.
 * Their exit codes do not say; what their HTTP clients print on stderr does.
 */
const TRANSIENT = [
  /\b(?:status(?: code)?|HTTP\/\d(?:\.\d)?|\]\[|response code|returned)\s*:?\s*(?:5\d\d|429)\b/i,
  /\b(?:5\d\d|429)\s+(?:Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out|Too Many Requests)\b/i,
  /\b(?:internal server error|bad gateway|service unavailable|gateway time-?out|too many requests)\b/i,
  /context deadline exceeded/i,
  /\bi\/o timeout\b/i,
  /TLS handshake timeout/i,
  /Client\.Timeout exceeded/i,
  /connection reset by peer/i,
  /\bunexpected EOF\b/i,
  /\bbroken pipe\b/i,
  // cosign v3 asks Fulcio again itself on a 5xx; when the last answer is a 5xx too it reads the
  // body its retrying client already closed and prints only this (Fulcio down behind a 502).
  /http: read on closed response body/i,
];

export function isTransientToolFailure(stderr: string): boolean {
  return TRANSIENT.some((pattern) => pattern.test(stderr));
}

/**
 * What went wrong when Node's fetch (undici) could not complete an exchange, read from the error
 * codes it carries (the `cause` of its "fetch failed" TypeError, or a DOMException on abort).
 * Checked by name and code, not `instanceof`: the errors may come from another realm (tests'
 * vm contexts, bundles).
 */
export type NetworkFailureKind = 'dns' | 'refused' | 'reset' | 'timeout' | 'tls' | 'unreachable' | 'other';

export interface NetworkFailure {
  kind: NetworkFailureKind;
  /** The system or undici code, e.g. ENOTFOUND, ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT. */
  code?: string;
  /** The host name the failure names, when it names one (DNS failures do). */
  hostname?: string;
  /** A few words a person can read, e.g. "DNS lookup failed: ENOTFOUND". */
  reason: string;
  /**
   * Whether another attempt may meet another answer. A name that does not resolve, a certificate
   * that is not trusted or a network this machine has no route to stay so for the seconds a
   * retry waits: retrying them only delays the one line that says what to do.
   */
  transient: boolean;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_NODATA', 'EAI_FAIL']);
const RESET_CODES = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ERR_TLS_HANDSHAKE_TIMEOUT',
]);
const UNREACHABLE_CODES = new Set(['ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EHOSTDOWN']);
/** OpenSSL's certificate verification results as Node names them, and Node's own TLS codes. */
const TLS_CODE = /^(?:ERR_SSL_|ERR_TLS_)|CERT|SELF_SIGNED|UNABLE_TO_(?:GET|VERIFY|DECRYPT)|HOSTNAME_MISMATCH/;

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  hostname?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function codeOf(error: ErrorLike): string | undefined {
  if (typeof error.code === 'string') return error.code;
  // Happy eyeballs (autoSelectFamily) reports every address it tried in an AggregateError.
  if (Array.isArray(error.errors)) {
    for (const inner of error.errors as ErrorLike[]) if (typeof inner?.code === 'string') return inner.code;
  }
  return undefined;
}

function tlsReason(code: string, message: string): string {
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER')
    return `TLS handshake failed, the server does not speak TLS (${code})`;
  if (code.startsWith('ERR_SSL_')) return `TLS handshake failed (${code})`;
  // Node's messages for certificate errors are short and plain ("self-signed certificate"); Node 24
  // adds advice after a semicolon ("; if the root CA is installed locally, try running Node.js
  // with --use-system-ca"), which is not ours to give: ours follows.
  const words = message.split('\n')[0]!.split(';')[0]!.trim();
  return words === '' || words.length > 100
    ? `TLS certificate not accepted (${code})`
    : `TLS certificate not accepted: ${words} (${code})`;
}

/** Classifies a failure of fetch() or of reading its body; undefined when it is not a network failure. */
export function networkFailureOf(error: unknown): NetworkFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const outer = error as ErrorLike;
  if (outer.name === 'TimeoutError' || outer.name === 'AbortError')
    return { kind: 'timeout', reason: 'timed out', transient: true };
  // fetch wraps the socket's error once ("fetch failed"), a body read sometimes twice ("terminated").
  let inner: ErrorLike = outer;
  for (let depth = 0; depth < 3 && codeOf(inner) === undefined; depth++) {
    if (typeof inner.cause !== 'object' || inner.cause === null) break;
    inner = inner.cause as ErrorLike;
  }
  const code = codeOf(inner);
  if (code === undefined) return undefined;
  const hostname = typeof inner.hostname === 'string' ? inner.hostname : undefined;
  const message = typeof inner.message === 'string' ? inner.message : '';
  if (DNS_CODES.has(code))
    return { kind: 'dns', code, hostname, reason: `DNS lookup failed: ${code}`, transient: false };
  if (code === 'ECONNREFUSED')
    return { kind: 'refused', code, reason: `connection refused: ${code}`, transient: true };
  if (TIMEOUT_CODES.has(code))
    return { kind: 'timeout', code, reason: `timed out: ${code}`, transient: true };
  if (RESET_CODES.has(code))
    return { kind: 'reset', code, reason: `connection closed: ${code}`, transient: true };
  if (UNREACHABLE_CODES.has(code))
    return { kind: 'unreachable', code, reason: `network unreachable: ${code}`, transient: false };
  if (TLS_CODE.test(code)) return { kind: 'tls', code, reason: tlsReason(code, message), transient: false };
  return { kind: 'other', code, reason: code, transient: true };
}
