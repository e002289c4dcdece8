import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GitHubApiStandIn } from '../../harness/github-api.js';
import { errors, repoRoot, runBundle } from '../../harness/run-bundle.js';

/**
 * The shipped receipt bundle writes the receipt to $GITHUB_STEP_SUMMARY from the needs context the
 * workflow gives it, and the shipped publish bundle writes the same receipt into the release
 * notes, above the verification commands, through the loopback GitHub API.
 */

const fixture = (name: string): string =>
  readFileSync(path.join(repoRoot, 'test', 'fixtures', 'receipt', `${name}.json`), 'utf8');
const START = '<!-- release-actions:verify:start -->';
const END = '<!-- release-actions:verify:end -->';
const ARM64 = 'sha256:b3e3ab55f887c56c0bd8bec3743b0fb54daaa17861e03db5133ef2835eb0da5a';
const RUN = { GITHUB_RUN_ID: '4242', GITHUB_RUN_ATTEMPT: '1' };

beforeAll(() => {
  for (const name of ['receipt', 'publish']) {
    if (!existsSync(path.join(repoRoot, 'dist', name, 'index.js'))) {
      throw new Error(`dist/${name}/index.js is missing; run \`npm run build\` first.`);
    }
  }
});

describe('receipt action', () => {
  it('writes the receipt of a blocked run to the job summary, and passes', async () => {
    const result = await runBundle('receipt', { inputs: { needs: fixture('platform-blocked') }, env: RUN });

    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toEqual({ outcome: 'passed' });
    const summary = result.summary;
    expect(
      summary.startsWith('## Release receipt\n\n❌ **Blocked by the vulnerability gate** on linux/arm64'),
    ).toBe(true);
    expect(summary).toContain('[the run](https://github.com/aotanami/aotanami/actions/runs/4242/attempts/1)');
    expect(summary).toContain(
      `| linux/arm64 | \`${ARM64}\` | — (sign skipped) | — (sign skipped) | — (sign skipped) | n/a | ❌ blocked (2 findings at or above the cutoff) | — (verify skipped) |`,
    );
    expect(summary).toContain('```mermaid\nflowchart LR\n');
    expect(summary).toContain('  job_scan["scan<br/>blocked"]:::failure\n');
    // One summary: written once.
    expect(summary.split('## Release receipt')).toHaveLength(2);
  });

  it('refuses input that is not JSON with one line naming the input, and writes no summary', async () => {
    const result = await runBundle('receipt', { inputs: { needs: '{"plan": {' } });

    expect(result.exitCode).toBe(1);
    expect(errors(result)).toHaveLength(1);
    expect(errors(result)[0]).toMatch(
      /^Input 'needs': not valid JSON \(.+\); use the job's needs context as JSON: \$\{\{ toJSON\(needs\) \}\}\.$/,
    );
    expect(result.outputs.outcome).toBe('error');
    expect(result.summary).toBe('');
  });

  it('escapes a hostile output in the summary', async () => {
    const needs = JSON.parse(fixture('all-passed')) as Record<string, { outputs: Record<string, string> }>;
    needs.chart!.outputs.name = 'x</td><script>alert(1)</script>';
    needs.sbom!.outputs.platforms = JSON.stringify([
      { platform: 'linux/amd64 | <img src=x> @octocat', digest: ARM64 },
    ]);
    needs.scan!.outputs.platforms = '';
    const result = await runBundle('receipt', { inputs: { needs: JSON.stringify(needs) } });

    expect(errors(result)).toEqual([]);
    expect(result.summary).not.toMatch(/<script|<img|<\/td>|@octocat/);
    expect(result.summary).toContain('linux/amd64 &#124; &#60;img src=x&#62; &#64;&#8288;octocat');
  });
});

describe('publish action with the receipt', () => {
  const TOKEN = `ghs_${randomBytes(18).toString('hex')}`;
  let api: GitHubApiStandIn;
  let workspace: string;

  beforeEach(async () => {
    api = await GitHubApiStandIn.start({ token: TOKEN });
    workspace = mkdtempSync(path.join(os.tmpdir(), 'receipt-e2e-'));
    mkdirSync(workspace, { recursive: true });
    writeFileSync(path.join(workspace, 'sbom-spdx.json'), '{"spdxVersion":"SPDX-2.3"}');
  });

  afterEach(async () => {
    await api.close();
    rmSync(workspace, { recursive: true, force: true });
  });

  it('writes the receipt and then the verification commands into the notes of the draft it creates', async () => {
    // What publish's needs give: every job up to verify.
    const needs = JSON.parse(fixture('all-passed')) as Record<string, unknown>;
    delete needs.publish;
    delete needs.tag;
    const commands = `### Verify this release\n\n\`\`\`sh\nrelease-actions verify ghcr.io/aotanami/aotanami@${ARM64}\n\`\`\`\n`;

    const result = await runBundle('publish', {
      workspace,
      inputs: {
        token: TOKEN,
        repository: 'aotanami/aotanami',
        files: 'sbom-spdx.json',
        tag: 'v1.2.0',
        'create-draft': 'true',
        'release-notes': commands,
        receipt: JSON.stringify(needs),
      },
      env: { GITHUB_API_URL: api.url, ...RUN },
    });

    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    const body = api.releases[0]!.body!;
    expect(body.startsWith(`${START}\n## Release receipt\n\n✅ **Verified**: every artifact verified`)).toBe(
      true,
    );
    expect(body.endsWith(`\n\n${commands.trim()}\n${END}`)).toBe(true);
    expect(body).toContain(
      '| linux/arm64 | `sha256:b3e3ab55f887c56c0bd8bec3743b0fb54daaa17861e03db5133ef2835eb0da5a` | ✅ verified · Rekor [700102](https://search.sigstore.dev/?logIndex=700102) |',
    );
    expect(body).toContain('  job_verify["verify<br/>success"]:::success\n');
    expect(body).not.toContain('job_publish');
    expect(result.summary).toContain(
      'The verification commands were written to the release notes when the draft was created.',
    );
  });

  it('refuses a receipt that is not JSON with one line naming the input, before any request', async () => {
    const result = await runBundle('publish', {
      workspace,
      inputs: {
        token: TOKEN,
        repository: 'aotanami/aotanami',
        files: 'sbom-spdx.json',
        tag: 'v1.2.0',
        receipt: 'nope',
      },
      env: { GITHUB_API_URL: api.url },
    });

    expect(result.exitCode).toBe(1);
    expect(errors(result)).toHaveLength(1);
    expect(errors(result)[0]).toMatch(/^Input 'receipt': not valid JSON/);
    expect(api.requests).toHaveLength(0);
  });
});
