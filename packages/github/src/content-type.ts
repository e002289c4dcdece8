/**
 * The media type each release asset is served with. GitHub stores the Content-Type of the upload
 * and sends it back on download, so a consumer's tooling can tell an SBOM from an archive.
 * Longest suffix first: `.intoto.jsonl` must win over a shorter match.
 */
const BY_SUFFIX: readonly (readonly [string, string])[] = [
  ['.intoto.jsonl', 'application/vnd.in-toto+json'],
  ['.sarif', 'application/sarif+json'],
  ['.json', 'application/json'],
  ['.tgz', 'application/gzip'],
];

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export function contentTypeFor(fileName: string): string {
  const lower = fileName.toLowerCase();
  return BY_SUFFIX.find(([suffix]) => lower.endsWith(suffix))?.[1] ?? DEFAULT_CONTENT_TYPE;
}
