import { InputError, Markdown } from '@release-actions/core';
import {
  actionLogger,
  readBoolean,
  readMultiline,
  readSecret,
  readString,
  runAction,
  setOutput,
  writeSummary,
  loadGlob,
} from '@release-actions/kit';
import {
  assetTable,
  checkReleaseNotes,
  checkTag,
  checkTargetCommitish,
  DEFAULT_API_URL,
  notesSentence,
  expandFiles,
  parseRepository,
  publishReleaseAssets,
  tagFromRef,
} from '@release-actions/github';

await runAction(async () => {
  // The token first: it is masked before anything else can print it.
  const token = readSecret('token');
  if (token === undefined) {
    throw new InputError("Input 'token' is required; the default is the job's github.token.");
  }
  const lines = readMultiline('files');
  if (lines.length === 0)
    throw new InputError("Input 'files' is required: one path or glob pattern per line.");
  const { owner, repo } = parseRepository(
    readString('repository', { default: process.env.GITHUB_REPOSITORY ?? '' }),
  );
  const tagInput = readString('tag') ?? tagFromRef(process.env);
  if (tagInput === undefined) {
    throw new InputError("Input 'tag' is required when the workflow was not triggered by a tag.");
  }
  const tag = checkTag(tagInput);
  const createDraft = readBoolean('create-draft', { default: false });
  const targetInput = readString('target-commitish');
  const targetCommitish = targetInput === undefined ? undefined : checkTargetCommitish(targetInput);
  const releaseNotes = checkReleaseNotes(readString('release-notes'));

  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const files = await expandFiles(lines, {
    workspace,
    alsoUnder: process.env.RUNNER_TEMP ? [process.env.RUNNER_TEMP] : [],
    input: 'files',
    loadGlob,
  });
  const result = await publishReleaseAssets({
    owner,
    repo,
    tag,
    files,
    createDraft,
    releaseNotes,
    targetCommitish,
    token,
    baseUrl: process.env.GITHUB_API_URL || DEFAULT_API_URL,
    logger: actionLogger,
  });

  setOutput('asset-urls', Object.fromEntries(result.assets.map((a) => [a.name, a.url])));
  setOutput('release-url', result.releaseUrl);
  const table = assetTable(result);
  const summary = new Markdown()
    .heading('Release assets')
    .paragraph(
      `${result.draft ? 'Draft release' : 'Release'} [${tag}](${result.releaseUrl}) of ${owner}/${repo}` +
        (result.created ? ' (created as a draft by this run)' : '') +
        '.',
    );
  const notes = notesSentence(result);
  if (notes !== undefined) summary.paragraph(notes);
  await writeSummary(summary.table(table.headers, table.rows));
});
