import { keysOf, overlaps, patternKeys, type ContextPath } from './context-path.js';

const PERSON = ['author.email', 'author.name', 'committer.email', 'committer.name'];

/**
 * Fields of the `github` context an outsider writes (GitHub Security Lab's list, plus discussions
 * and workflow_run's copies of the head): PR/issue/discussion titles and bodies, comment and review
 * bodies, commit messages and author fields, head branch names, wiki page names. Numbers, SHAs,
 * logins and repository names are not in it: GitHub restricts what they can hold.
 */
const UNTRUSTED_EVENT_FIELDS = [
  'issue.title',
  'issue.body',
  'pull_request.title',
  'pull_request.body',
  'discussion.title',
  'discussion.body',
  'comment.body',
  'review.body',
  'review_comment.body',
  'pages.*.page_name',
  'commits.*.message',
  ...PERSON.map((p) => `commits.*.${p}`),
  'head_commit.message',
  ...PERSON.map((p) => `head_commit.${p}`),
  'pull_request.head.ref',
  'pull_request.head.label',
  'pull_request.head.repo.default_branch',
  'workflow_run.head_branch',
  'workflow_run.display_title',
  'workflow_run.head_commit.message',
  ...PERSON.map((p) => `workflow_run.head_commit.${p}`),
  'workflow_run.pull_requests.*.head.ref',
];

const UNTRUSTED = [...UNTRUSTED_EVENT_FIELDS.map((f) => `github.event.${f}`), 'github.head_ref'].map(
  (pattern) => ({ pattern, keys: patternKeys(pattern) }),
);

/** The untrusted fields a `github` path reads or holds (`github.event` holds them all), as patterns. */
export function untrustedEventFields(path: ContextPath): string[] {
  if (path.root !== 'github') return [];
  const keys = keysOf(path);
  return UNTRUSTED.filter((u) => overlaps(keys, u.keys)).map((u) => u.pattern);
}
