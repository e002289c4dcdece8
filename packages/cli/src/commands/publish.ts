import type { Command } from 'commander';
import { InputError, mention, readInputFile } from '@release-actions/core';
import {
  checkMakeLatest,
  DEFAULT_API_URL,
  MAX_RELEASE_BODY,
  publishJson,
  publishReleaseAssets,
  renderPublishText,
} from '@release-actions/github';
import { reporting } from '../output.js';
import { action, type CommandContext } from '../program.js';

interface PublishFlags {
  tag: string;
  repo?: string;
  tokenEnv: string;
  apiUrl?: string;
  createDraft?: boolean;
  publishRelease?: boolean;
  makeLatest?: string;
  targetCommitish?: string;
  releaseNotesFile?: string;
}

const NOTES_FLAG = '--release-notes-file';

/** The inputs this command takes under other names than `--<input>`. */
const RENAMED = {
  files: '<files...>',
  repository: '--repo',
  token: '--token-env',
  'release-notes': NOTES_FLAG,
};

/** The notes file, read whole; a file far beyond GitHub's body limit is refused before reading. */
function notesFrom(file: string): string {
  return readInputFile(file, {
    input: 'release-notes',
    // Four bytes is the most one character takes in UTF-8.
    maxBytes: 4 * MAX_RELEASE_BODY,
    what: `Markdown notes (a release body holds at most ${MAX_RELEASE_BODY} characters)`,
  });
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The token is read from an environment variable named by --token-env, never from a flag value,
 * so it stays out of shell history and of the process list.
 */
function tokenFrom(name: string): string {
  if (!ENV_NAME.test(name)) {
    throw new InputError(`"${name}" is not an environment variable name.`, { input: 'token' });
  }
  const token = process.env[name]?.trim();
  if (!token) {
    throw new InputError(
      `the environment variable ${name} is empty; set it to a token with contents: write.`,
      { input: 'token' },
    );
  }
  return token;
}

export function registerPublish(program: Command, context: CommandContext): void {
  reporting(program.command('publish'))
    .description(
      'Attach files to the GitHub release of a tag, replacing same-named assets (needs contents: write).',
    )
    .argument('<files...>', 'files to attach; each becomes the asset named by its base name')
    .requiredOption('--tag <tag>', 'tag of the release')
    .option('--repo <owner/name>', 'repository of the release (default: $GITHUB_REPOSITORY)')
    .option('--token-env <name>', 'environment variable that holds the token', 'GITHUB_TOKEN')
    .option('--api-url <url>', `GitHub API root (default: $GITHUB_API_URL or ${DEFAULT_API_URL})`)
    .option('--create-draft', 'create the release as a draft when the tag has none')
    .option('--publish-release', 'publish the draft once every file is attached and the notes are written')
    .option(
      '--make-latest <value>',
      "with --publish-release: true (default), false or legacy, whether it becomes the repository's latest release",
    )
    .option(
      '--target-commitish <sha|branch>',
      'full commit SHA or branch a draft created here points at (used by GitHub only while the tag does not exist)',
    )
    .option(
      `${NOTES_FLAG} <path>`,
      'Markdown written into the release body between the release-actions:verify markers',
    )
    .action((files: string[], flags: PublishFlags) =>
      action(async () => {
        const repository = flags.repo ?? process.env.GITHUB_REPOSITORY;
        if (!repository) {
          throw new InputError('required (owner/name) when GITHUB_REPOSITORY is not set.', {
            input: 'repository',
          });
        }
        if (flags.makeLatest !== undefined) {
          // The value first: a typo is named as such, whatever else is missing.
          checkMakeLatest(flags.makeLatest);
          if (!flags.publishRelease) {
            const needed = `is used only with ${mention('publish-release')}; add it, or leave this flag out.`;
            throw new InputError(needed, { input: 'make-latest' });
          }
        }
        const releaseNotes =
          flags.releaseNotesFile === undefined ? undefined : notesFrom(flags.releaseNotesFile);
        const result = await publishReleaseAssets({
          repository,
          tag: flags.tag,
          files,
          createDraft: Boolean(flags.createDraft),
          publishRelease: Boolean(flags.publishRelease),
          makeLatest: flags.makeLatest,
          targetCommitish: flags.targetCommitish,
          releaseNotes,
          token: tokenFrom(flags.tokenEnv),
          baseUrl: flags.apiUrl ?? (process.env.GITHUB_API_URL || DEFAULT_API_URL),
          logger: context.logger(),
        });
        context.report({ text: () => renderPublishText(result), json: () => publishJson(result) });
      }, RENAMED),
    );
}
