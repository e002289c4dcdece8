import { InputError } from '@release-actions/core';
import type { OciErrorCode } from './errors.js';

/**
 * Image references as Docker and the OCI distribution tools read them (the
 * distribution/reference grammar plus Docker's normalisation): `ubuntu` is
 * `docker.io/library/ubuntu`, a first component is a registry only when it contains `.` or `:`
 * or is `localhost`, repositories are lowercase, digests are checked for their algorithm's length.
 */
export interface ImageReference {
  /** Registry host as written (`docker.io` for Docker Hub), with `:port` when given. */
  registry: string;
  /** Repository path inside the registry, e.g. `library/ubuntu`. */
  repository: string;
  tag?: string;
  /** `algorithm:hex`, already validated. */
  digest?: string;
}

export const DEFAULT_REGISTRY = 'docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const NAME_TOTAL_LENGTH_MAX = 255;

const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const DOMAIN_RE = new RegExp(`^${HOST}(?::[0-9]+)?$`);
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*):([0-9a-fA-F]+)$/;

const ACCEPTED =
  'accepted: [registry[:port]/]repository[:tag][@sha256:<64 hex>], lowercase repository, e.g. ghcr.io/org/app:1.0 or ghcr.io/org/app@sha256:…';

function invalid(reference: string, problem: string, input: string | undefined): InputError<OciErrorCode> {
  return new InputError<OciErrorCode>(`invalid image reference "${reference}": ${problem} (${ACCEPTED})`, {
    code: 'REFERENCE_INVALID',
    ...(input === undefined ? {} : { input }),
  });
}

/** Checks `algorithm:hex`; returns the problem or undefined. */
export function digestProblem(digest: string): string | undefined {
  const match = DIGEST_RE.exec(digest);
  if (!match) return `digest "${digest}" is not <algorithm>:<hex>`;
  const [, algorithm = '', hex = ''] = match;
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (length === undefined)
    return `digest algorithm "${algorithm}" is not supported (sha256, sha384, sha512)`;
  if (hex.length !== length)
    return `${algorithm} digest must have ${length} hex characters, got ${hex.length}`;
  if (hex !== hex.toLowerCase()) return `digest hex must be lowercase`;
  return undefined;
}

/** Throws an InputError naming `digest` unless it is a valid `algorithm:hex` digest. */
export function checkDigest(digest: string): string {
  const problem = digestProblem(digest);
  if (problem !== undefined) {
    throw new InputError<OciErrorCode>(`invalid digest "${digest}": ${problem}`, {
      code: 'REFERENCE_INVALID',
    });
  }
  return digest;
}

/** Parses `text`; a malformed one throws an InputError naming `input` (the input or flag it came from). */
export function parseReference(text: string, input?: string): ImageReference {
  const fail = (problem: string): InputError => invalid(text, problem, input);
  const reference = text;
  if (reference.trim() === '') throw fail('it is empty');
  // Around the name too: a value the tools would read otherwise than it was checked.
  if (/\s/.test(reference)) throw fail('it contains whitespace');
  // A bare 64-hex string is an image ID, which Docker refuses as a name to avoid confusion.
  if (/^[a-f0-9]{64}$/.test(reference)) throw fail('a bare 64-hex image ID is not a reference');

  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const problem = digestProblem(digest);
    if (problem !== undefined) throw fail(problem);
  }

  // The tag is after the last ':' that follows the last '/', so a registry port is not a tag.
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon !== -1) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) {
      throw fail(`tag "${tag}" must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`);
    }
  }
  if (rest === '') throw fail('the repository name is missing');

  let registry = DEFAULT_REGISTRY;
  let repository = rest;
  const slash = rest.indexOf('/');
  if (slash !== -1) {
    const first = rest.slice(0, slash);
    if (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase()) {
      registry = first;
      repository = rest.slice(slash + 1);
    }
  }
  if (!DOMAIN_RE.test(registry)) throw fail(`registry "${registry}" is not a valid host[:port]`);
  const port = /:([0-9]+)$/.exec(registry)?.[1];
  if (port !== undefined && !(Number(port) >= 1 && Number(port) <= 65535)) {
    throw fail(`registry port ${port} is not between 1 and 65535`);
  }
  if (registry === 'index.docker.io') registry = DEFAULT_REGISTRY;

  if (repository !== repository.toLowerCase()) {
    throw fail(`repository "${repository}" must be lowercase`);
  }
  if (repository === '') throw fail('the repository name is missing');
  for (const component of repository.split('/')) {
    if (!PATH_COMPONENT_RE.test(component)) {
      throw fail(
        `repository component "${component}" must be lowercase letters and digits separated by ".", "_", "__" or "-"`,
      );
    }
  }
  if (registry === DEFAULT_REGISTRY && !repository.includes('/')) repository = `library/${repository}`;

  const nameLength = registry.length + 1 + repository.length;
  if (nameLength > NAME_TOTAL_LENGTH_MAX) {
    throw fail(`the name is ${nameLength} characters long, the limit is ${NAME_TOTAL_LENGTH_MAX}`);
  }

  const parsed: ImageReference = { registry, repository };
  if (tag !== undefined) parsed.tag = tag;
  if (digest !== undefined) parsed.digest = digest;
  return parsed;
}

/** `registry/repository[:tag][@digest]`, fully qualified. */
export function formatReference(reference: ImageReference): string {
  let out = `${reference.registry}/${reference.repository}`;
  if (reference.tag !== undefined) out += `:${reference.tag}`;
  if (reference.digest !== undefined) out += `@${reference.digest}`;
  return out;
}

/** `registry/repository@digest`: what is signed, attested and verified. The tag, if any, is dropped. */
export function canonicalReference(reference: ImageReference, digest = reference.digest): string {
  if (digest === undefined) {
    throw new InputError<OciErrorCode>(
      `image reference "${formatReference(reference)}" has no digest; resolve it first`,
      { code: 'REFERENCE_INVALID' },
    );
  }
  checkDigest(digest);
  return `${reference.registry}/${reference.repository}@${digest}`;
}

/** Same registry, whichever of Docker Hub's names is used. */
export function sameRegistry(a: string, b: string): boolean {
  return canonicalRegistry(a) === canonicalRegistry(b);
}

/** Strips a scheme and path (Docker config keys look like `https://index.docker.io/v1/`), folds Hub aliases. */
export function canonicalRegistry(value: string): string {
  const host = value.replace(/^[a-z]+:\/\//i, '').split('/')[0] ?? '';
  const lower = host.toLowerCase();
  return DOCKER_HUB_ALIASES.has(lower) ? DEFAULT_REGISTRY : lower;
}

/** The host the HTTP API of a registry answers on (Docker Hub's API is not on docker.io). */
export function registryApiHost(registry: string): string {
  return canonicalRegistry(registry) === DEFAULT_REGISTRY ? 'registry-1.docker.io' : registry;
}

/** The tag under which the referrers of `digest` are kept where the registry has no referrers API. */
export function referrersTag(digest: string): string {
  checkDigest(digest);
  return digest.replace(':', '-');
}
