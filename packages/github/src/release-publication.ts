import { InputError, mention } from '@release-actions/core';
import type { GithubErrorCode } from './errors.js';

/**
 * The `make_latest` values of GitHub's create- and update-release calls: `true` marks the release
 * published by this run as the repository's latest, `false` leaves the latest one as it is, and
 * `legacy` lets GitHub choose by creation date and semantic version.
 */
export const MAKE_LATEST = ['true', 'false', 'legacy'] as const;
export type MakeLatest = (typeof MAKE_LATEST)[number];

/** The make-latest input, checked whether or not the release is to be published: a typo fails early. */
export function checkMakeLatest(value: string | undefined): MakeLatest {
  const text = (value ?? '').trim();
  if (text === '') return 'true';
  const match = MAKE_LATEST.find((accepted) => accepted === text.toLowerCase());
  if (match === undefined) {
    throw new InputError(`"${text}" is not accepted; use true, false or legacy.`, { input: 'make-latest' });
  }
  return match;
}

export interface ImmutableContext {
  repository: string;
  tag: string;
}

/** The way out, the same in every refusal: attach everything to a draft, then publish it. */
const WAY_OUT = `Publish from a draft instead: for a tag without a release, set ${mention('create-draft')} and ${mention('publish-release')} (the draft gets every asset, then is published); or release under a new tag.`;

export interface ImmutableDetail {
  /** The files that would have to be attached or replaced. */
  files?: readonly string[];
  /** The draft this run found was published meanwhile. */
  became?: boolean;
  /** GitHub's own words, when it refused a call. */
  github?: string;
  /**
   * Once this run has written to the release: the old assets it deleted from the draft to replace
   * them just before GitHub locked it, said out loud since they cannot be attached again. Absent
   * when the refusal came before any write.
   */
  lost?: readonly string[];
}

/** A published immutable release cannot take, lose or replace an asset. */
export function immutableReleaseError(
  context: ImmutableContext,
  detail: ImmutableDetail = {},
): InputError<GithubErrorCode> {
  const files = names(detail.files ?? []);
  const lost = detail.lost === undefined ? undefined : names(detail.lost);
  const state = detail.became
    ? 'was published while this run attached its assets, and is immutable'
    : 'is published and immutable';
  return new InputError<GithubErrorCode>(
    `the release of ${context.tag} in ${context.repository} ${state}: GitHub locks its assets and tag` +
      (detail.github === undefined ? '' : ` (422 ${detail.github})`) +
      (files === '' ? '' : `, so ${files} cannot be attached or replaced`) +
      (lost === undefined
        ? '; nothing was changed. '
        : lost === ''
          ? '; no asset was lost. '
          : `; ${lost} had been deleted from the draft to be replaced and could not be attached again. `) +
      WAY_OUT,
    { input: 'tag', code: 'RELEASE_IMMUTABLE' },
  );
}

function names(list: readonly string[]): string {
  if (list.length === 0) return '';
  return list.slice(0, 3).join(', ') + (list.length > 3 ? ` and ${list.length - 3} more` : '');
}

/** GitHub never lets a tag of an immutable release, even a deleted one, name another release. */
export function tagOfImmutableReleaseError(
  context: ImmutableContext,
  github: string,
): InputError<GithubErrorCode> {
  return new InputError<GithubErrorCode>(
    `${context.repository} cannot release the tag ${context.tag} (422 ${github}): it belonged to an immutable release, and GitHub never lets such a tag be used again. Release under a new tag.`,
    { input: 'tag', code: 'RELEASE_IMMUTABLE' },
  );
}
