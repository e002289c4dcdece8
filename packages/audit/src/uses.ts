/** What a `uses:` value refers to. */
export type UsesRef =
  | { kind: 'local'; path: string }
  | { kind: 'self'; path: string }
  | { kind: 'docker'; image: string }
  | { kind: 'remote'; owner: string; repo: string; path: string; ref: string; name: string }
  | { kind: 'invalid'; value: string };

export const SHA_PATTERN = /^[0-9a-f]{40}$/;
const FULL_TAG = /^v\d+\.\d+\.\d+$/;

export function parseUses(value: string): UsesRef {
  const trimmed = value.trim();
  if (trimmed.startsWith('./') || trimmed === '.')
    return { kind: 'local', path: trimmed.replace(/^\.\/?/, '') };
  // Self-repository syntax: same repository and commit as the running workflow.
  if (trimmed.startsWith('$/')) return { kind: 'self', path: trimmed.slice(2) };
  if (trimmed.startsWith('docker://')) return { kind: 'docker', image: trimmed.slice('docker://'.length) };
  const at = trimmed.lastIndexOf('@');
  if (at <= 0) return { kind: 'invalid', value: trimmed };
  const [owner, repo, ...rest] = trimmed.slice(0, at).split('/');
  const ref = trimmed.slice(at + 1);
  if (!owner || !repo || ref === '') return { kind: 'invalid', value: trimmed };
  const path = rest.join('/');
  const name = `${owner}/${repo}${path ? `/${path}` : ''}`.toLowerCase();
  return { kind: 'remote', owner: owner.toLowerCase(), repo: repo.toLowerCase(), path, ref, name };
}

/** The SLSA generator's reusable workflows (and builders) verify their own ref and accept only a release tag. */
export function isSlsaGenerator(ref: UsesRef): boolean {
  return (
    ref.kind === 'remote' &&
    ref.owner === 'slsa-framework' &&
    ref.repo === 'slsa-github-generator' &&
    /^\.github\/workflows\/(generator|builder)_[a-z0-9_]+_slsa3\.yml$/.test(ref.path)
  );
}

export function isFullTag(ref: string): boolean {
  return FULL_TAG.test(ref);
}

/** Names of this toolkit's actions; `$/<name>`, `./<name>` and `aotanami/release-actions/<name>@sha` refer to them. */
export const OWN_ACTIONS = [
  'setup',
  'sbom',
  'scan',
  'sign',
  'attest',
  'verify',
  'chart',
  'publish',
  'audit',
  'receipt',
] as const;
const OWN_REPO = 'aotanami/release-actions';

/** Our action a reference names ('release' for the root composite), or undefined. */
export function ownAction(ref: UsesRef): string | undefined {
  let path: string | undefined;
  if (ref.kind === 'self' || ref.kind === 'local') path = ref.path.replace(/\/$/, '');
  else if (ref.kind === 'remote' && `${ref.owner}/${ref.repo}` === OWN_REPO) path = ref.path;
  if (path === undefined) return undefined;
  if (path === '') return 'release';
  if (path === '.github/workflows/release.yml') return 'release-workflow';
  return (OWN_ACTIONS as readonly string[]).includes(path) ? path : undefined;
}

export function isAction(ref: UsesRef, name: string): boolean {
  return ref.kind === 'remote' && ref.name === name;
}

/** A full version comment: `v1.2.3`, `1.2.3`, optional pre-release; `tag=` prefix as Renovate writes it. */
export function parseVersionComment(comment: string | undefined): { version?: string; full: boolean } {
  if (comment === undefined) return { full: false };
  const token = comment.trim().split(/\s+/)[0] ?? '';
  if (token === '' || /^(release-actions|zizmor):/.test(token)) return { full: false };
  const version = token.replace(/^(tag|pin)[=@]/, '');
  return { version, full: /^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/.test(version) };
}
