import { describe, expect, it } from '@jest/globals';
import { Markdown } from '@release-actions/core';
import {
  publishJson,
  publishOutputs,
  renderPublishSummary,
  renderPublishText,
  type PublishResult,
} from '@release-actions/github';

/** What the action and `release-actions publish` write from one result, from the package alone. */
const SHA = 'ab'.repeat(32);
const result: PublishResult = {
  repository: 'aotanami/aotanami',
  tag: 'v1.2.0',
  releaseId: 7,
  releaseUrl: 'https://github.com/aotanami/aotanami/releases/tag/v1.2.0',
  draft: true,
  created: true,
  notes: 'created',
  assets: [
    {
      path: '/w/sbom.json',
      name: 'sbom.json',
      size: 2048,
      sha256: SHA,
      contentType: 'application/json',
      id: 3,
      url: 'https://github.com/aotanami/aotanami/releases/download/v1.2.0/sbom.json',
      outcome: 'uploaded',
    },
  ],
};

describe('the publish result, for both front ends', () => {
  it('outputs the asset URLs by name and the release URL', () => {
    expect(publishOutputs(result)).toEqual({
      'asset-urls': { 'sbom.json': result.assets[0]!.url },
      'release-url': result.releaseUrl,
    });
  });

  it('summarises the release, the notes and one row per asset; the text names the URL', () => {
    const summary = renderPublishSummary(result, new Markdown()).toString();
    expect(summary).toContain(
      `Draft release [v1.2.0](${result.releaseUrl}) of aotanami/aotanami (created as a draft by this run).`,
    );
    expect(summary).toContain('written to the release notes when the draft was created');
    expect(summary).toContain(`| \`sbom.json\` | 2.0 KiB | \`${SHA}\` | uploaded |`);
    const text = renderPublishText({ ...result, draft: false, created: false, notes: 'none' });
    expect(text.split('\n')[0]).toBe(
      `Release v1.2.0 of aotanami/aotanami: 1 asset(s) published (1 uploaded); ${result.releaseUrl}`,
    );
    expect(text).toMatch(new RegExp(`^  sbom\\.json +2\\.0 KiB  sha256:${SHA}  uploaded +https://`, 'm'));
    expect(text).not.toContain('release notes');
    // Plain text for a terminal: no Markdown heading, table or code marks.
    expect(text).not.toMatch(/^#|\||`/m);
  });

  it('prints JSON without the local path or the asset id', () => {
    const json = JSON.parse(publishJson(result)) as { assets: Record<string, unknown>[] };
    expect(json).toMatchObject({
      'release-url': result.releaseUrl,
      draft: true,
      created: true,
      notes: 'created',
    });
    expect(Object.keys(json.assets[0]!).sort()).toEqual([
      'contentType',
      'name',
      'outcome',
      'sha256',
      'size',
      'url',
    ]);
  });
});
