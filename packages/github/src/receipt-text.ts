/**
 * How untrusted values reach the receipt. A value is shown in one of two ways only: as checked
 * code (a digest, an image name, a chart reference that matched its grammar, inside a code span),
 * or as inert text, where every character that Markdown or HTML could act on (and the colon of
 * a URL scheme) is written as an HTML character reference, and @ and # are kept from making a
 * mention or an issue reference. Table cells then still go through the Markdown builder's
 * escapeCell.
 */

const DIGEST = /^sha256:[0-9a-f]{64}$/;
/** registry/repository (lower case, the distribution grammar, simplified as plan checks it). */
const NAME = /^([a-z0-9.-]+(:[0-9]+)?\/)?[a-z0-9]+([._-]+[a-z0-9]+)*(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*$/;
const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const REKOR_URL = /^https:\/\/search\.sigstore\.dev\/\?logIndex=(\d{1,18})$/;
const HTTPS_URL = /^https:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._~%/@+-]*)?$/;

/** Longest free text shown in a cell, in characters; the rest is cut with an ellipsis. */
export const MAX_TEXT = 200;

export function isDigest(value: unknown): value is string {
  return typeof value === 'string' && DIGEST.test(value);
}

export function isImageName(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 255 && NAME.test(value);
}

export function isPlatform(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 64 && PLATFORM.test(value);
}

export function isTag(value: unknown): value is string {
  return typeof value === 'string' && TAG.test(value);
}

/** The log index of a public Rekor search link, as the sign and attest actions write them. */
export function rekorIndex(url: unknown): string | undefined {
  return typeof url === 'string' ? REKOR_URL.exec(url)?.[1] : undefined;
}

/** An https URL of plain characters (a release page, a run), or undefined. */
export function safeUrl(url: unknown): string | undefined {
  return typeof url === 'string' && url.length <= 500 && HTTPS_URL.test(url) ? url : undefined;
}

/** The digest part of registry/repository@sha256:…, when it is one. */
export function digestOf(reference: unknown): string | undefined {
  if (typeof reference !== 'string') return undefined;
  const digest = reference.slice(reference.lastIndexOf('@') + 1);
  return isDigest(digest) ? digest : undefined;
}

/**
 * Inert text: one line, at most `max` characters, with every character outside a small safe set
 * written as a character reference, so no value can open a tag, a link, a code span, emphasis, a
 * table cell, a mention or an issue reference.
 */
export function plain(value: unknown, max = MAX_TEXT): string {
  let text = typeof value === 'string' ? value : String(value);
  text = text.replace(/[\r\n\t\f\v]+/g, ' ');
  const chars = [...text];
  if (chars.length > max) text = `${chars.slice(0, max).join('')}…`;
  // A word joiner after @ and # keeps GitHub from turning the text into a mention or an issue
  // reference, which it finds in the rendered text, after character references are decoded.
  return text.replace(/[^A-Za-z0-9 ,.\-()'=+/…]/gu, (c) =>
    c === '@' || c === '#' ? `&#${c.codePointAt(0)};&#8288;` : `&#${c.codePointAt(0)};`,
  );
}
