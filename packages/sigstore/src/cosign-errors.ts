/**
 * Reading cosign's stderr: which failures are worth another attempt, and which mean that a
 * previous run already got the entry into the transparency log. cosign's exit codes do not say.
 */

// Rekor answers 409 Conflict for an entry it already holds; the go-swagger client prints it as
// "[POST /api/v1/log/entries][409] createLogEntryConflict", Rekor's message says "already exists".
const ALREADY_LOGGED = [
  /createLogEntryConflict/i,
  /\/api\/v\d\/log\/entries\]\[409\]/i,
  /equivalent entry already exists/i,
  /entry already exists in the transparency log/i,
];

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

export function isAlreadyLogged(stderr: string): boolean {
  return ALREADY_LOGGED.some((pattern) => pattern.test(stderr));
}

export function isTransientFailure(stderr: string): boolean {
  return !isAlreadyLogged(stderr) && TRANSIENT.some((pattern) => pattern.test(stderr));
}
