import type { Command } from 'commander';
import { InputError, Markdown } from '@release-actions/core';
import {
  assetTable,
  checkReleaseNotes,
  checkTag,
  checkTargetCommitish,
  DEFAULT_API_URL,
  MAX_RELEASE_BODY,
  notesSentence,
  parseRepository,
  publishReleaseAssets,
} from '@release-actions/github';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { action, type CommandContext } from '../program.js';

interface PublishFlags {
  tag: string;
  repo?: string;
  tokenEnv: string;
  apiUrl?: string;
  createDraft?: boolean;
  targetCommitish?: string;
  releaseNotesFile?: string;
  json?: boolean;
}

const NOTES_FLAG = '--release-notes-file';

/** The notes file, read whole; a file far beyond GitHub's body limit is refused before reading. */
function notesFrom(file: string): string {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new InputError(`${NOTES_FLAG}: "${file}" is not a file.`);
    size = stat.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${NOTES_FLAG}: cannot read "${file}" (${(error as NodeJS.ErrnoException).code}).`);
  }
  // Four bytes is the most one character takes in UTF-8.
  if (size > 4 * MAX_RELEASE_BODY) {
    throw new InputError(
      `${NOTES_FLAG}: "${file}" has ${size} bytes; a release body holds at most ${MAX_RELEASE_BODY} characters.`,
    );
  }
  return readFileSync(file, 'utf8');
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The token is read from an environment variable named by --token-env, never from a flag value,
 * so it stays out of shell history and of the process list.
 */
function tokenFrom(name: string): string {
  if (!ENV_NAME.test(name)) {
    throw new InputError(`--token-env: "${name}" is not an environment variable name.`);
  }
  const token = process.env[name]?.trim();
  if (!token) {
    throw new InputError(
      `--token-env: the environment variable ${name} is empty; set it to a token with contents: write.`,
    );
  }
  return token;
}

export function registerPublish(program: Command, context: CommandContext): void {
  program
    .command('publish')
    .description(
      'Attach files to the GitHub release of a tag, replacing same-named assets (needs contents: write).',
    )
    .argument('<files...>', 'files to attach; each becomes the asset named by its base name')
    .requiredOption('--tag <tag>', 'tag of the release')
    .option('--repo <owner/name>', 'repository of the release (default: $GITHUB_REPOSITORY)')
    .option('--token-env <name>', 'environment variable that holds the token', 'GITHUB_TOKEN')
    .option('--api-url <url>', `GitHub API root (default: $GITHUB_API_URL or ${DEFAULT_API_URL})`)
    .option('--create-draft', 'create the release as a draft when the tag has none')
    .option(
      '--target-commitish <sha|branch>',
      'full commit SHA or branch a draft created here points at (used by GitHub only while the tag does not exist)',
    )
    .option(
      `${NOTES_FLAG} <path>`,
      'Markdown written into the release body between the release-actions:verify markers',
    )
    .option('--json', 'print the result as JSON')
    .action((files: string[], flags: PublishFlags) =>
      action(async () => {
        const repository = flags.repo ?? process.env.GITHUB_REPOSITORY;
        if (!repository)
          throw new InputError('--repo is required (owner/name) when GITHUB_REPOSITORY is not set.');
        const { owner, repo } = parseRepository(repository, 'repo');
        const tag = checkTag(flags.tag);
        const labels = { releaseNotes: NOTES_FLAG, targetCommitish: '--target-commitish' };
        const targetCommitish =
          flags.targetCommitish === undefined
            ? undefined
            : checkTargetCommitish(flags.targetCommitish, labels.targetCommitish);
        const releaseNotes =
          flags.releaseNotesFile === undefined
            ? undefined
            : checkReleaseNotes(notesFrom(flags.releaseNotesFile), labels.releaseNotes);
        const token = tokenFrom(flags.tokenEnv);
        const result = await publishReleaseAssets({
          owner,
          repo,
          tag,
          files: files.map((file) => path.resolve(file)),
          createDraft: Boolean(flags.createDraft),
          targetCommitish,
          releaseNotes,
          labels,
          token,
          baseUrl: flags.apiUrl ?? (process.env.GITHUB_API_URL || DEFAULT_API_URL),
          logger: context.logger(),
        });
        if (flags.json) {
          context.out(
            JSON.stringify(
              {
                'release-url': result.releaseUrl,
                draft: result.draft,
                created: result.created,
                notes: result.notes,
                assets: result.assets.map(({ name, size, sha256, contentType, url, outcome }) => ({
                  name,
                  size,
                  sha256,
                  contentType,
                  url,
                  outcome,
                })),
              },
              null,
              2,
            ),
          );
          return;
        }
        const table = assetTable(result);
        const report = new Markdown()
          .heading('Release assets')
          .paragraph(`${result.draft ? 'Draft release' : 'Release'} ${tag}: ${result.releaseUrl}`);
        const notes = notesSentence(result);
        if (notes !== undefined) report.paragraph(notes);
        context.out(report.table(table.headers, table.rows).toString());
        return;
      }),
    );
}
