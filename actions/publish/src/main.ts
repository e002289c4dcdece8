import { InputError, Markdown } from '@release-actions/core';
import {
  actionLogger,
  readBoolean,
  readMultiline,
  readSecret,
  readString,
  runAction,
  runnerTemp,
  setOutputs,
  workspace,
  writeSummary,
} from '@release-actions/kit';
import { loadGlob } from '@release-actions/kit/glob';
import {
  DEFAULT_API_URL,
  notesWithReceipt,
  publishOutputs,
  publishReleaseAssets,
  renderPublishSummary,
  runUrlFrom,
  tagFromRef,
} from '@release-actions/github';

await runAction(async () => {
  // The token first: it is masked before anything else can print it.
  const token = readSecret('token');
  if (token === undefined) {
    throw new InputError("required; the default is the job's github.token.", { input: 'token' });
  }
  const files = readMultiline('files');
  if (files.length === 0) {
    throw new InputError('required: one path or glob pattern per line.', { input: 'files' });
  }
  const repository = readString('repository', { default: process.env.GITHUB_REPOSITORY ?? '' });
  const tag = readString('tag') ?? tagFromRef(process.env);
  if (tag === undefined) {
    throw new InputError('required when the workflow was not triggered by a tag.', { input: 'tag' });
  }
  const result = await publishReleaseAssets({
    repository,
    tag,
    files,
    expand: { workspace: workspace(), alsoUnder: [runnerTemp()], loadGlob },
    createDraft: readBoolean('create-draft', { default: false }),
    publishRelease: readBoolean('publish-release', { default: false }),
    makeLatest: readString('make-latest'),
    targetCommitish: readString('target-commitish'),
    releaseNotes: notesWithReceipt({
      receipt: readString('receipt'),
      releaseNotes: readString('release-notes'),
      runUrl: runUrlFrom(process.env),
    }),
    token,
    baseUrl: process.env.GITHUB_API_URL || DEFAULT_API_URL,
    logger: actionLogger,
  });
  setOutputs(publishOutputs(result));
  await writeSummary(renderPublishSummary(result, new Markdown()));
});
