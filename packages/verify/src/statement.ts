/**
 * DSSE envelopes and the in-toto statements inside them: what `cosign verify-attestation` prints
 * (one envelope per line) and what a bundle's dsseEnvelope holds. Decoding is strict, because a
 * payload we cannot read must fail the check rather than pass it.
 */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface Statement {
  type: string;
  subjects: { name: string; digest: Record<string, string> }[];
  predicateType: string;
  predicate: unknown;
}

export interface Envelope {
  payloadType: string;
  payload: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The statement of one envelope, or a one-line reason it is not one. */
export function decodeEnvelope(envelope: unknown): Statement | string {
  if (!isRecord(envelope) || typeof envelope['payload'] !== 'string') return 'not a DSSE envelope';
  if (envelope['payloadType'] !== IN_TOTO_PAYLOAD_TYPE) {
    return `payload type ${String(envelope['payloadType'])} is not ${IN_TOTO_PAYLOAD_TYPE}`;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(envelope['payload'], 'base64').toString('utf8'));
  } catch {
    return 'payload is not JSON';
  }
  if (!isRecord(parsed) || !Array.isArray(parsed['subject']) || typeof parsed['predicateType'] !== 'string') {
    return 'payload is not an in-toto statement';
  }
  const subjects = parsed['subject'].filter(isRecord).map((s) => ({
    name: typeof s['name'] === 'string' ? s['name'] : '',
    digest: isRecord(s['digest'])
      ? (Object.fromEntries(Object.entries(s['digest']).filter(([, v]) => typeof v === 'string')) as Record<
          string,
          string
        >)
      : {},
  }));
  return {
    type: String(parsed['_type'] ?? ''),
    subjects,
    predicateType: parsed['predicateType'],
    predicate: parsed['predicate'],
  };
}

/** Parses `cosign verify-attestation` output: one JSON envelope per non-empty line. */
export function parseEnvelopeLines(stdout: string): unknown[] {
  const out: unknown[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const text = line.trim();
    if (!text.startsWith('{')) continue;
    try {
      out.push(JSON.parse(text));
    } catch {
      out.push(undefined);
    }
  }
  return out;
}

export function subjectMatches(statement: Statement, digest: string): boolean {
  const [algorithm, hex] = digest.split(':');
  return statement.subjects.some((s) => algorithm !== undefined && s.digest[algorithm] === hex);
}

export function subjectDigests(statement: Statement): string[] {
  return statement.subjects.flatMap((s) => Object.entries(s.digest).map(([a, h]) => `${a}:${h}`));
}

/** SPDX 2.x JSON (spdxVersion "SPDX-2.x" and a document SPDXID) or SPDX 3 JSON-LD. */
export function isSpdx(predicate: unknown): boolean {
  if (!isRecord(predicate)) return false;
  if (typeof predicate['spdxVersion'] === 'string') {
    return /^SPDX-\d+\.\d+$/.test(predicate['spdxVersion']) && typeof predicate['SPDXID'] === 'string';
  }
  const context = predicate['@context'];
  return typeof context === 'string' && /^https:\/\/spdx\.org\/rdf\/3\./.test(context);
}

export function isCycloneDx(predicate: unknown): boolean {
  return (
    isRecord(predicate) &&
    predicate['bomFormat'] === 'CycloneDX' &&
    typeof predicate['specVersion'] === 'string' &&
    /^1\.\d+$/.test(predicate['specVersion'])
  );
}

/** An OpenVEX document: an https://openvex.dev/ns… context and a list of statements. */
export function isOpenVex(predicate: unknown): boolean {
  if (!isRecord(predicate)) return false;
  const context = predicate['@context'];
  return (
    typeof context === 'string' &&
    context.startsWith('https://openvex.dev/ns') &&
    Array.isArray(predicate['statements'])
  );
}

/** What an OpenVEX document declares: how many statements, and the vulnerabilities not affecting the image. */
export interface VexFacts {
  statements: number;
  /** Vulnerability names (and aliases) of the not_affected statements, sorted, each once. */
  notAffected: string[];
}

export function vexFacts(predicate: unknown): VexFacts {
  const statements =
    isRecord(predicate) && Array.isArray(predicate['statements']) ? predicate['statements'] : [];
  const names = new Set<string>();
  for (const statement of statements) {
    if (!isRecord(statement) || statement['status'] !== 'not_affected') continue;
    const vulnerability = statement['vulnerability'];
    if (typeof vulnerability === 'string') names.add(vulnerability);
    else if (isRecord(vulnerability)) {
      const name = vulnerability['name'] ?? vulnerability['@id'];
      if (typeof name === 'string' && name !== '') names.add(name);
    }
  }
  return { statements: statements.length, notAffected: [...names].sort() };
}

/** What a statement's predicate looks like, for the reason line of a failed check. */
export function describePredicate(predicate: unknown): string {
  if (isSpdx(predicate)) return 'an SPDX document';
  if (isCycloneDx(predicate)) return 'a CycloneDX BOM';
  if (isOpenVex(predicate)) return 'an OpenVEX document';
  if (!isRecord(predicate)) return predicate === undefined ? 'missing' : `a ${typeof predicate}`;
  const keys = Object.keys(predicate).slice(0, 4);
  return keys.length === 0 ? 'an empty object' : `an object with ${keys.join(', ')}`;
}
