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
