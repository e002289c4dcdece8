import { openAsBlob } from 'node:fs';
import path from 'node:path';
import { InputError, OperationalError, redact, type Logger } from '@release-actions/core';
import { createClient, type ClientTuning, type GitHubClient } from './client.js';
import {
  describeFailure,
  immutableRefusal,
  isAlreadyExists,
  refusalMessage,
  statusOf,
  type GithubErrorCode,
} from './errors.js';
import { describeFiles, expandFiles, type ExpandOptions, type LocalAsset } from './files.js';
import { characters, checkReleaseNotes, MAX_RELEASE_BODY, spliceNotes } from './notes.js';
import {
  checkMakeLatest,
  immutableReleaseError,
  tagOfImmutableReleaseError,
  type MakeLatest,
} from './release-publication.js';
import { checkTag, checkTargetCommitish, parseRepository } from './target.js';

export interface PublishOptions {
  /** owner/name. */
  repository: string;
  tag: string;
  /** The files to attach; each becomes the asset named by its base name. */
  files: readonly string[];
  /**
   * Read `files` as the action's lines: paths and glob patterns confined to the workspace. Without
   * it they are paths, relative to the current directory.
   */
  expand?: Omit<ExpandOptions, 'input'>;
  /** Create the release as a draft when the tag has none (default false: fail). */
  createDraft?: boolean;
  /**
   * Publish the release once every asset is attached and the notes are written, when it is a
   * draft (default false). This is the order GitHub asks for with immutable releases, whose assets
   * are locked at publication.
   */
  publishRelease?: boolean;
  /** make_latest of the publication: true (default), false or legacy; checked even when not publishing. */
  makeLatest?: string;
  /**
   * Markdown written into the release body between the release-actions:verify markers; the rest
   * of the body is kept. Blank or absent: the body is not touched.
   */
  releaseNotes?: string;
  /**
   * The commit (full SHA) or branch a release created by this run points at. GitHub creates the
   * tag from it when the release is published and the tag does not exist yet; an existing
   * release's target is never changed.
   */
  targetCommitish?: string;
  token: string;
  /** GITHUB_API_URL; https://api.github.com when absent. */
  baseUrl?: string;
  logger: Logger;
  tuning?: ClientTuning;
}

export type AssetOutcome = 'uploaded' | 'replaced' | 'unchanged';

export interface PublishedAsset extends LocalAsset {
  id: number;
  url: string;
  outcome: AssetOutcome;
}

/** What happened to the notes block: written at creation, updated, already there, or no notes. */
export type NotesOutcome = 'created' | 'updated' | 'unchanged' | 'none';

export interface PublishResult {
  /** owner/name. */
  repository: string;
  tag: string;
  releaseId: number;
  releaseUrl: string;
  draft: boolean;
  /** Whether this run created the (draft) release. */
  created: boolean;
  assets: PublishedAsset[];
  notes: NotesOutcome;
  /** Whether this run published the draft (absent: it did not). */
  published?: boolean;
  /** Whether the release is immutable: its assets and tag were locked when it was published (absent: no). */
  immutable?: boolean;
  /** The make_latest this run published the release with; absent when it did not publish it. */
  makeLatest?: MakeLatest;
}

interface Release {
  id: number;
  html_url: string;
  upload_url: string;
  draft: boolean;
  tag_name: string;
  body?: string | null;
  target_commitish?: string;
  /** Absent where GitHub does not have immutable releases (older GitHub Enterprise Server). */
  immutable?: boolean;
}

interface RemoteAsset {
  id: number;
  name: string;
  size: number;
  state: string;
  content_type: string;
  digest?: string | null;
  browser_download_url: string;
}

/**
 * Attaches files to the GitHub release of a tag. Reruns are safe: an asset already holding the same
 * bytes (size, SHA-256 and content type) is kept, any other asset of the same name is deleted
 * before the upload, so a name never appears twice. With `publishRelease`, a draft is published
 * once everything is attached. A published immutable release is refused before any asset is
 * touched, unless it already holds every file as it is.
 */
export async function publishReleaseAssets(options: PublishOptions): Promise<PublishResult> {
  const at = parseRepository(options.repository);
  const repository = `${at.owner}/${at.repo}`;
  const tag = checkTag(options.tag);
  const target =
    options.targetCommitish === undefined ? undefined : checkTargetCommitish(options.targetCommitish);
  const notes = checkReleaseNotes(options.releaseNotes);
  const makeLatest = checkMakeLatest(options.makeLatest);
  if (options.token.trim() === '') throw new InputError('no token was given.', { input: 'token' });
  const token = options.token;
  const logger = redactingLogger(options.logger, token);
  const files = options.expand
    ? await expandFiles(options.files, { ...options.expand, input: 'files' })
    : options.files.map((file) => path.resolve(file));
  const locals = await describeFiles(files);
  const octokit = await createClient({ token, baseUrl: options.baseUrl, logger, ...options.tuning });
  const context = { repository, tag };
  const call = async <T>(operation: string, body: () => Promise<T>): Promise<T> => {
    try {
      return await body();
    } catch (error) {
      if (immutableRefusal(error) === 'tag') {
        throw tagOfImmutableReleaseError(context, refusalMessage(error, token) ?? '');
      }
      throw describeFailure(error, { operation, repository, token });
    }
  };

  let created = false;
  let release = await call(`find the release of tag ${tag} in ${repository}`, () =>
    findRelease(octokit, at, tag),
  );
  if (!release) {
    if (!options.createDraft) {
      throw new InputError<GithubErrorCode>(
        `${repository} has no release for tag "${tag}"; create the release first, or set create-draft to create it as a draft.`,
        { input: 'tag', code: 'RELEASE_NOT_FOUND' },
      );
    }
    release = await call(`create a draft release for tag ${tag} in ${repository}`, async () => {
      const response = await octokit.rest.repos.createRelease({
        ...at,
        tag_name: tag,
        name: tag,
        draft: true,
        ...(target === undefined ? {} : { target_commitish: target }),
        ...(notes === undefined ? {} : { body: spliceNotes('', notes) }),
      });
      return response.data as Release;
    });
    created = true;
    logger.info(
      `Created draft release ${release.html_url} for tag ${tag}` +
        (target === undefined ? '.' : `, targeting ${target}.`),
    );
  } else if (target !== undefined && release.target_commitish !== target) {
    logger.info(
      `The release of ${tag} exists; its target (${release.target_commitish ?? 'unknown'}) is left as it is, not set to ${target}.`,
    );
  }
  const found = release;
  // Whether the release is still a draft, as far as this run knows: another job may publish it.
  let draft = found.draft;

  // The new body is worked out before any upload, so a body GitHub would refuse fails the step
  // with nothing written; it is written after the assets, so the notes never describe a release
  // whose assets are missing, and before the publication, so they are there when it is announced.
  const newBody = created || notes === undefined ? undefined : spliceNotes(found.body, notes);
  if (newBody !== undefined && characters(newBody) > MAX_RELEASE_BODY) {
    throw new InputError(
      `with the notes, the body of the release of ${tag} would be ${characters(newBody)} characters; GitHub allows at most ${MAX_RELEASE_BODY}. Shorten the notes or the release's text.`,
      { input: 'release-notes' },
    );
  }

  const listAssets = () =>
    call(`list the assets of the release of ${tag}`, async () => {
      const assets = await octokit.paginate(octokit.rest.repos.listReleaseAssets, {
        ...at,
        release_id: found.id,
        per_page: 100,
      });
      return assets as RemoteAsset[];
    });
  // What is still to attach when GitHub locks the release, for the message.
  let pending: string[] = locals.map((local) => local.name);
  /**
   * Before an old asset of a draft is deleted: a draft published meanwhile and made immutable
   * would keep the deletion but refuse the new upload, and the asset would be lost for good.
   */
  const confirmDraft = async () => {
    if (!draft) return;
    const now = await call(`read the release of ${tag}`, async () => {
      const response = await octokit.rest.repos.getRelease({ ...at, release_id: found.id });
      return response.data as Release;
    });
    if (now.draft) return;
    if (now.immutable === true) {
      throw immutableReleaseError(context, { became: true, files: pending, lost: [] });
    }
    draft = false;
    logger.info(
      `The draft of ${tag} was published meanwhile; its assets are replaced as on any published release.`,
    );
  };
  const remove = async (asset: RemoteAsset) => {
    await confirmDraft();
    await call(`delete the old asset ${asset.name} from the release of ${tag}`, async () => {
      try {
        await octokit.rest.repos.deleteReleaseAsset({ ...at, asset_id: asset.id });
      } catch (error) {
        // Gone already (a concurrent rerun deleted it): the goal is reached.
        if (statusOf(error) === 404) return;
        if (immutableRefusal(error) === 'assets') {
          throw immutableReleaseError(context, {
            became: found.draft,
            files: pending,
            github: refusalMessage(error, token),
            lost: [],
          });
        }
        throw error;
      }
    });
  };

  let remote = await listAssets();
  logger.debug(`The release of ${tag} has ${remote.length} asset(s).`);
  if (!found.draft && found.immutable === true) {
    // Nothing may be attached, replaced or deleted; a rerun that finds every file in place is done.
    const differing = locals.filter((local) => !keptAs(remote, local)).map((local) => local.name);
    if (differing.length > 0) throw immutableReleaseError(context, { files: differing });
    logger.info(`The release of ${tag} is immutable and already holds every file with the same content.`);
  }
  const published: PublishedAsset[] = [];
  for (const local of locals) {
    const same = remote.filter((asset) => asset.name === local.name);
    const kept = keptAs(remote, local);
    if (kept) {
      logger.info(`${local.name}: already on the release with the same content; kept.`);
      published.push({ ...local, id: kept.id, url: kept.browser_download_url, outcome: 'unchanged' });
      pending = pending.filter((name) => name !== local.name);
      continue;
    }
    for (const asset of same) await remove(asset);
    const operation = `upload ${local.name} to the release of ${tag}`;
    const attach = async (): Promise<RemoteAsset> => {
      try {
        return await upload(octokit, found, local);
      } catch (error) {
        if (immutableRefusal(error) !== 'assets') throw error;
        throw immutableReleaseError(context, {
          became: found.draft,
          files: pending,
          github: refusalMessage(error, token),
          lost: same.length > 0 ? [local.name] : [],
        });
      }
    };
    let uploaded: RemoteAsset;
    try {
      uploaded = await attach();
    } catch (error) {
      // 422 already_exists: another job attached the name between our listing and the upload.
      if (!isAlreadyExists(error)) throw describeFailure(error, { operation, repository, token });
      remote = await listAssets();
      for (const asset of remote.filter((a) => a.name === local.name)) await remove(asset);
      uploaded = await call(operation, attach);
    }
    if (uploaded.digest && uploaded.digest !== `sha256:${local.sha256}`) {
      throw new OperationalError<GithubErrorCode>(
        `GitHub stored ${local.name} with digest ${uploaded.digest}, not the file's sha256:${local.sha256}; rerun the step.`,
        { code: 'API_FAILED' },
      );
    }
    const outcome: AssetOutcome = same.length > 0 ? 'replaced' : 'uploaded';
    logger.info(`${local.name}: ${outcome} (${local.size} bytes, ${local.contentType}).`);
    published.push({ ...local, id: uploaded.id, url: uploaded.browser_download_url, outcome });
    pending = pending.filter((name) => name !== local.name);
  }

  let notesOutcome: NotesOutcome = notes === undefined ? 'none' : created ? 'created' : 'unchanged';
  if (newBody !== undefined && newBody !== (found.body ?? '')) {
    await call(`write the release notes of ${tag}`, () =>
      octokit.rest.repos.updateRelease({ ...at, release_id: found.id, body: newBody }),
    );
    notesOutcome = 'updated';
    logger.info(`Wrote the notes block into the body of the release of ${tag}.`);
  } else if (notesOutcome === 'unchanged') {
    logger.info(`The release of ${tag} already holds these notes; its body was not changed.`);
  }

  let final = found;
  let assets = published;
  if (options.publishRelease && draft) {
    final = await call(`publish the release of ${tag}`, async () => {
      const response = await octokit.rest.repos.updateRelease({
        ...at,
        release_id: found.id,
        draft: false,
        make_latest: makeLatest,
      });
      return response.data as Release;
    });
    draft = final.draft;
    logger.info(
      `Published the release of ${tag} (make_latest ${makeLatest}): ${final.html_url}` +
        (final.immutable === true ? '; it is immutable: GitHub has locked its assets and tag.' : '.'),
    );
    // A draft's download URLs name untagged-<id>; the published release's name the tag.
    const urls = new Map((await listAssets()).map((asset) => [asset.id, asset.browser_download_url]));
    assets = published.map((asset) => ({ ...asset, url: urls.get(asset.id) ?? asset.url }));
  } else if (options.publishRelease) {
    logger.info(`The release of ${tag} is already published; there is nothing to publish.`);
  }
  return {
    repository,
    tag,
    releaseId: found.id,
    releaseUrl: final.html_url,
    draft,
    created,
    assets,
    notes: notesOutcome,
    published: final !== found,
    immutable: final.immutable === true,
    ...(final !== found ? { makeLatest } : {}),
  };
}

/** The remote asset that already holds the file's bytes, when it is the only one of that name. */
function keptAs(remote: readonly RemoteAsset[], local: LocalAsset): RemoteAsset | undefined {
  const same = remote.filter((asset) => asset.name === local.name);
  const [only] = same;
  return same.length === 1 && only && holdsSameBytes(only, local) ? only : undefined;
}

function holdsSameBytes(asset: RemoteAsset, local: LocalAsset): boolean {
  return (
    asset.state === 'uploaded' &&
    asset.size === local.size &&
    asset.content_type === local.contentType &&
    asset.digest === `sha256:${local.sha256}`
  );
}

/**
 * The published release of the tag, else a draft with that tag name: GitHub's tag lookup does not
 * see drafts, and without the second look a rerun would create a second draft.
 */
async function findRelease(
  octokit: GitHubClient,
  at: { owner: string; repo: string },
  tag: string,
): Promise<Release | undefined> {
  try {
    const response = await octokit.rest.repos.getReleaseByTag({ ...at, tag });
    return response.data as Release;
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
  const drafts = await octokit.paginate(
    octokit.rest.repos.listReleases,
    { ...at, per_page: 100 },
    (response, done) => {
      const hit = response.data.filter((r) => r.draft && r.tag_name === tag);
      if (hit.length > 0) done();
      return hit;
    },
  );
  return drafts[0] as Release | undefined;
}

async function upload(octokit: GitHubClient, release: Release, local: LocalAsset): Promise<RemoteAsset> {
  // The upload origin comes from the release (uploads.github.com, or GHES's /api/uploads), never
  // from the API URL. A file-backed Blob streams the file and can be read again on a retry.
  const response = await octokit.request({
    method: 'POST',
    url: release.upload_url,
    name: local.name,
    data: await openAsBlob(local.path, { type: local.contentType }),
    headers: { 'content-type': local.contentType },
  });
  return response.data as RemoteAsset;
}

function redactingLogger(logger: Logger, token: string): Logger {
  const clean = (message: string) => redact(message, [token]);
  return {
    debug: (message) => logger.debug(clean(message)),
    info: (message) => logger.info(clean(message)),
    notice: (message) => logger.notice(clean(message)),
    warning: (message) => logger.warning(clean(message)),
  };
}
