import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Markdown, SUMMARY_LIMIT_BYTES } from '@release-actions/core';
import {
  buildReceipt,
  notesWithReceipt,
  parseReceiptInput,
  PIPELINE,
  pipelineDiagram,
  plain,
  RECEIPT_HEADERS,
  RECEIPT_NOTES_LIMIT_BYTES,
  renderReceipt,
  runUrlFrom,
  type ReceiptInput,
} from '@release-actions/github';
import { repoRoot } from '../../harness/run-bundle.js';

/**
 * The receipt from fixture runs of release.yml (test/fixtures/receipt: the needs context of the
 * receipt job as toJSON(needs) gives it): every artifact row, its digest and cells, the gate per
 * platform, the Mermaid diagram, and hostile outputs shown as inert text.
 */

const fixture = (name: string): string =>
  readFileSync(path.join(repoRoot, 'test', 'fixtures', 'receipt', `${name}.json`), 'utf8');
const needsOf = (name: string): ReceiptInput => parseReceiptInput(fixture(name), 'needs');
const render = (needs: ReceiptInput, runUrl?: string): string =>
  renderReceipt(buildReceipt(needs), new Markdown(), { runUrl }).toString();

const INDEX = 'sha256:1bc04b5291c26a46d918139138b992d2de976d6851d0893b0476b85bfbdfc6e6';
const AMD64 = 'sha256:baf0239e48ff4c47ebac3ba02b5cf1506b69cd5a0c0d0c825a53ba65976fb942';
const ARM64 = 'sha256:b3e3ab55f887c56c0bd8bec3743b0fb54daaa17861e03db5133ef2835eb0da5a';
const CHART = 'sha256:cc57fc1903e444cf6a726490b43b27ee9f87facc037f86872201847c565b45fb';

/** The table's rows as lists of cells (the header and the delimiter row left out). */
function tableRows(markdown: string): string[][] {
  const lines = markdown.split('\n').filter((line) => line.startsWith('| '));
  expect(lines[0]).toBe(`| ${RECEIPT_HEADERS.join(' | ')} |`);
  return lines.slice(2).map((line) =>
    line
      .slice(2, -2)
      .split(/(?<!\\) \| /)
      .map((cell) => cell.trim()),
  );
}

function mermaid(markdown: string): string[] {
  const match = /```mermaid\n([\s\S]*?)\n```/.exec(markdown);
  expect(match).not.toBeNull();
  return match![1]!.split('\n');
}

/** Node id → class, and the edges, of a diagram; every line must be one of the four kinds. */
function parseDiagram(lines: string[]): {
  nodes: Map<string, { label: string; cls: string }>;
  edges: string[];
} {
  expect(lines[0]).toBe('flowchart LR');
  const nodes = new Map<string, { label: string; cls: string }>();
  const edges: string[] = [];
  const classes = new Set<string>();
  for (const line of lines.slice(1)) {
    let m: RegExpExecArray | null;
    if ((m = /^ {2}([A-Za-z_][A-Za-z0-9_]*)\["([A-Za-z0-9_-]+<br\/>[a-z]+)"\]:::([a-z]+)$/.exec(line))) {
      nodes.set(m[1]!, { label: m[2]!, cls: m[3]! });
    } else if ((m = /^ {2}([A-Za-z0-9_]+) --> ([A-Za-z0-9_]+)$/.exec(line))) {
      edges.push(`${m[1]}>${m[2]}`);
    } else if ((m = /^ {2}classDef ([a-z]+) [a-z-]+:[^ ]+(,[a-z-]+:[^ ,]+( [^ ,]+)?)*$/.exec(line))) {
      classes.add(m[1]!);
    } else {
      throw new Error(`not a line of the diagram's grammar: ${line}`);
    }
  }
  for (const edge of edges) for (const id of edge.split('>')) expect(nodes.has(id)).toBe(true);
  for (const { cls } of nodes.values()) expect(classes.has(cls)).toBe(true);
  return { nodes, edges };
}

describe('the receipt of a run where everything passed (an index of two platforms and a chart)', () => {
  const markdown = render(needsOf('all-passed'), 'https://github.com/aotanami/aotanami/actions/runs/42');
  const rows = tableRows(markdown);

  it('says the release was made and tagged, and links the release and the run', () => {
    expect(markdown).toContain(
      '✅ **Released**: every artifact verified as a consumer verifies it, and the image is tagged `v1.2.0`.',
    );
    expect(markdown).toContain(
      'Image `ghcr.io/aotanami/aotanami` · release `v1.2.0` · [the GitHub Release](https://github.com/aotanami/aotanami/releases/tag/v1.2.0) · [the run](https://github.com/aotanami/aotanami/actions/runs/42)',
    );
  });

  it('has one row for the index, one per platform and one for the chart, each with its digest', () => {
    expect(rows.map((row) => [row[0], row[1]])).toEqual([
      ['`ghcr.io/aotanami/aotanami` (index)', `\`${INDEX}\``],
      ['linux/amd64', `\`${AMD64}\``],
      ['linux/arm64', `\`${ARM64}\``],
      ['chart `aotanami:1.2.0`', `\`${CHART}\``],
    ]);
  });

  it('shows each check verify made on each digest, with its own Rekor entry', () => {
    const link = (i: number) => `Rekor [${i}](https://search.sigstore.dev/?logIndex=${i})`;
    expect(rows[0]!.slice(2)).toEqual([
      `✅ verified · ${link(700100)}`,
      'n/a',
      'n/a',
      // The generator's provenance entry is not among the sign job's links: shown, not linked.
      '✅ verified · Rekor 700107',
      '✅ pass',
      '✅ 2 checks passed',
    ]);
    expect(rows[2]!.slice(2)).toEqual([
      `✅ verified · ${link(700102)}`,
      `✅ verified · ${link(700105)}`,
      `✅ verified · ${link(700106)}`,
      'n/a',
      '✅ pass',
      '✅ 3 checks passed',
    ]);
    expect(rows[3]!.slice(2)).toEqual([
      `✅ verified · ${link(700110)}`,
      `✅ verified · ${link(700111)}`,
      `✅ verified · ${link(700112)}`,
      'n/a',
      '✅ pass',
      '✅ 3 checks passed',
    ]);
  });

  it('draws every job of the pipeline with its class, and the pipeline edges', () => {
    const { nodes, edges } = parseDiagram(mermaid(markdown));
    expect([...nodes.keys()]).toEqual(PIPELINE.map((id) => `job_${id}`));
    for (const { cls, label } of nodes.values()) {
      expect(cls).toBe('success');
      expect(label).toMatch(/<br\/>success$/);
    }
    expect(edges).toEqual(
      expect.arrayContaining([
        'job_scan>job_sign',
        'job_scan>job_provenance',
        'job_chart>job_verify',
        'job_publish>job_tag',
      ]),
    );
    expect(edges).toHaveLength(12);
  });

  it('lists no problem with the outputs', () => {
    expect(buildReceipt(needsOf('all-passed')).problems).toEqual([]);
  });
});

describe('the receipt of a run blocked on one platform', () => {
  const markdown = render(needsOf('platform-blocked'));
  const rows = tableRows(markdown);

  it('names the gate and the platform that blocked', () => {
    expect(markdown).toContain(
      '❌ **Blocked by the vulnerability gate** on linux/arm64: nothing was signed, attested or published.',
    );
  });

  it('gives each platform its own verdict, and says why nothing was signed or verified', () => {
    expect(rows.map((row) => [row[0], row[6]])).toEqual([
      ['`ghcr.io/aotanami/aotanami` (index)', '❌ blocked'],
      ['linux/amd64', '✅ pass'],
      ['linux/arm64', '❌ blocked (2 findings at or above the cutoff)'],
      ['chart', '— (chart skipped)'],
    ]);
    expect(rows[1]!.slice(2, 5)).toEqual(['— (sign skipped)', '— (sign skipped)', '— (sign skipped)']);
    expect(rows[0]![5]).toBe('— (provenance skipped)');
    expect(rows.map((row) => row[7])).toEqual(Array(4).fill('— (verify skipped)'));
    // The chart was never pushed: no digest.
    expect(rows[3]![1]).toBe('— (not pushed)');
  });

  it('shows scan as blocked (a failure) and every later job as skipped', () => {
    const { nodes } = parseDiagram(mermaid(markdown));
    expect(nodes.get('job_scan')).toEqual({ label: 'scan<br/>blocked', cls: 'failure' });
    expect(nodes.get('job_sbom')!.cls).toBe('success');
    for (const id of ['sign', 'provenance', 'chart', 'verify', 'publish', 'tag']) {
      expect([id, nodes.get(`job_${id}`)!.cls]).toEqual([id, 'skipped']);
    }
  });
});

describe('the receipt of a single-platform image without a chart', () => {
  const markdown = render(needsOf('chart-absent'));
  const rows = tableRows(markdown);

  it('has one image row with every cell of that digest, and no chart row', () => {
    expect(rows).toEqual([
      [
        '`ghcr.io/aotanami/aotanami` (linux/amd64)',
        `\`${AMD64}\``,
        '✅ verified · Rekor [700101](https://search.sigstore.dev/?logIndex=700101)',
        '✅ verified · Rekor [700103](https://search.sigstore.dev/?logIndex=700103)',
        '✅ verified · Rekor [700104](https://search.sigstore.dev/?logIndex=700104)',
        '✅ verified · Rekor 700107',
        '✅ pass',
        '✅ 4 checks passed',
      ],
    ]);
    expect(markdown).not.toMatch(/chart `/);
  });

  it('still draws the chart job, skipped', () => {
    expect(parseDiagram(mermaid(markdown)).nodes.get('job_chart')).toEqual({
      label: 'chart<br/>skipped',
      cls: 'skipped',
    });
  });
});

describe('the receipt of a cancelled run', () => {
  const markdown = render(needsOf('cancelled'));
  const rows = tableRows(markdown);

  it('names the job that was cancelled and shows what was made but never verified', () => {
    expect(markdown).toContain('⏹️ **Cancelled** in the `verify` job.');
    expect(rows[0]![2]).toBe(
      'signed, not verified · Rekor [700100](https://search.sigstore.dev/?logIndex=700100)',
    );
    // Two attestations on one digest: which entry is which is known only to verify.
    expect(rows[1]![3]).toBe('attested, not verified');
    expect(rows[0]![5]).toBe('attested, not verified');
    expect(rows.map((row) => row[7])).toEqual(Array(4).fill('— (verify cancelled)'));
    expect(parseDiagram(mermaid(markdown)).nodes.get('job_verify')).toEqual({
      label: 'verify<br/>cancelled',
      cls: 'cancelled',
    });
  });
});

describe('a failed verification', () => {
  it('marks the failed check and the row, and names the job that failed', () => {
    const needs = needsOf('all-passed');
    const report = JSON.parse(needs.verify!.outputs.report!) as {
      results: { check: string; subject: string; status: string }[];
    };
    const arm = report.results.find((r) => r.check === 'sbom-cyclonedx' && r.subject.endsWith(ARM64))!;
    arm.status = 'failed';
    needs.verify = {
      result: 'failure',
      outputs: { ...needs.verify!.outputs, report: JSON.stringify(report) },
    };
    needs.publish = { result: 'skipped', outputs: {} };
    needs.tag = { result: 'skipped', outputs: {} };
    const markdown = render(needs);
    const rows = tableRows(markdown);
    expect(rows[2]![4]).toBe('❌ failed verification');
    expect(rows[2]![7]).toBe('❌ 1 of 3 checks failed');
    expect(rows[1]![7]).toBe('✅ 3 checks passed');
    expect(markdown).toContain('❌ **Failed** in the `verify` job: nothing was published.');
  });

  it('says so when the release tag failed after the release was published', () => {
    const needs = needsOf('all-passed');
    needs.tag = { result: 'failure', outputs: {} };
    const markdown = render(needs);
    expect(markdown).toContain('❌ **Failed** in the `tag` job, after the release was published.');
    expect(parseDiagram(mermaid(markdown)).nodes.get('job_tag')).toEqual({
      label: 'tag<br/>failure',
      cls: 'failure',
    });
  });
});

describe('hostile outputs', () => {
  const evil =
    '@octocat | x <script>alert(1)</script>\n# heading `code` [link](https://evil.example) ![img](x) **b**';

  it('are shown as inert text, on one line, in one cell', () => {
    const needs = needsOf('all-passed');
    const platforms = JSON.parse(needs.sbom!.outputs.platforms!) as { platform: string }[];
    platforms[1]!.platform = evil;
    needs.sbom!.outputs.platforms = JSON.stringify(platforms);
    // The scan's list names the same digest with a good platform: the SBOM list's comes first.
    needs.scan!.outputs.platforms = '';
    needs.publish!.outputs['release-url'] = 'javascript:alert(1)';
    needs.plan!.outputs.name = 'ghcr.io/x/y\n| injected | row |';
    needs.chart!.outputs.name = '<img src=x onerror=alert(1)>';
    const markdown = render(needs);
    for (const bad of [
      '<script',
      '<img',
      '](https://evil',
      '@octocat',
      '\n# heading',
      'javascript:',
      '| injected',
    ]) {
      expect([bad, markdown.includes(bad)]).toEqual([bad, false]);
    }
    const rows = tableRows(markdown);
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row).toHaveLength(RECEIPT_HEADERS.length);
    expect(rows[2]![0]).toBe(plain(evil, 64));
    expect(rows[2]![0]).toContain('&#60;script&#62;');
    expect(rows[2]![0]).toContain('&#64;&#8288;octocat');
    // An image name that is not one is left out, not shown as code.
    expect(rows[0]![0]).toBe('image (index)');
    expect(rows[3]![0]).toBe('chart');
  });

  it('never reach a code span, a link or the diagram', () => {
    const needs: ReceiptInput = {
      ...needsOf('all-passed'),
      'x"]; click job_plan "https://evil" %%{init}%%\n<b>': { result: 'success', outputs: {} },
    };
    const markdown = render(needs);
    const lines = mermaid(markdown);
    const { nodes } = parseDiagram(lines);
    expect(nodes.size).toBe(PIPELINE.length + 1);
    // The hostile id is one node of the grammar (checked above), its letters inert inside a label.
    expect(lines.join('\n')).not.toMatch(/^\s*click|%%|<b>|:\/\//m);
    expect(markdown).toContain('```mermaid\nflowchart LR\n');
  });

  it('keep the diagram ids distinct when two job ids sanitize alike', () => {
    const diagram = pipelineDiagram([
      { id: 'a.b', result: 'success', blocked: false },
      { id: 'a-b', result: 'failure', blocked: false },
    ]);
    const { nodes } = parseDiagram(diagram.split('\n'));
    expect([...nodes.keys()]).toEqual(['job_a_b', 'job_a_b_2']);
  });
});

describe('outputs that are not what their job writes', () => {
  it('are left out and listed, and the receipt is still written', () => {
    const needs = needsOf('all-passed');
    needs.scan!.outputs.platforms = '{not json';
    needs.verify!.outputs.report = '[1,2]';
    const receipt = buildReceipt(needs);
    expect(receipt.problems).toEqual([
      'The output `scan.platforms` is not JSON; it is left out.',
      'The output `verify.report` is not a verify report; it is left out.',
    ]);
    const markdown = renderReceipt(receipt, new Markdown()).toString();
    expect(markdown).toContain('- The output `scan.platforms` is not JSON; it is left out.');
    // Without the report, what sign made is still shown, as not verified.
    expect(tableRows(markdown)[1]![2]).toBe(
      'signed, not verified · Rekor [700101](https://search.sigstore.dev/?logIndex=700101)',
    );
  });
});

describe('parseReceiptInput', () => {
  it.each([
    [
      '{"plan": ',
      /^Input 'needs': not valid JSON \(.+\); use the job's needs context as JSON: \$\{\{ toJSON\(needs\) \}\}\.$/,
    ],
    ['[]', /^Input 'needs': not a JSON object of jobs; /],
    [
      '{"plan": {"result": "passed", "outputs": {}}}',
      /^Input 'needs': job "plan" has result "passed"; accepted: success, failure, cancelled, skipped\.$/,
    ],
    [
      '{"plan": {"result": "success", "outputs": {"n": 1}}}',
      /^Input 'needs': job "plan" has output "n" that is not a string; /,
    ],
    [
      '{"plan": {"result": "success", "outputs": []}}',
      /^Input 'needs': job "plan" has outputs that are not an object; /,
    ],
    ['{"plan": "success"}', /^Input 'needs': job "plan" is not an object with result and outputs; /],
  ])('refuses %s with one line naming the input', (text, message) => {
    let caught: unknown;
    try {
      parseReceiptInput(text, 'needs');
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ name: 'InputError', input: 'needs' });
    const line = (caught as Error).message;
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toMatch(message);
  });

  it('accepts a job without outputs (as a skipped reusable workflow gives it)', () => {
    expect(parseReceiptInput('{"provenance": {"result": "skipped"}}', 'needs')).toEqual({
      provenance: { result: 'skipped', outputs: {} },
    });
  });
});

describe('size', () => {
  it('keeps a receipt of a thousand platforms under the job summary limit, with a row saying how many were left out', () => {
    const needs = needsOf('all-passed');
    const many = Array.from({ length: 1000 }, (_, i) => ({
      platform: `linux/arch${i}`,
      digest: `sha256:${i.toString(16).padStart(64, '0')}`,
      verdict: 'pass',
      blocking: 0,
    }));
    needs.scan!.outputs.platforms = JSON.stringify(many);
    needs.sbom!.outputs.platforms = '';
    const markdown = render(needs);
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
    const rows = tableRows(markdown);
    expect(rows).toHaveLength(1 + 64 + 1 + 1);
    expect(rows[65]![0]).toBe('… 936 more platforms, left out of this table');
  });

  it('cuts a long value to 200 characters', () => {
    expect(plain('a'.repeat(500))).toBe(`${'a'.repeat(200)}…`);
  });

  it('keeps the largest receipt the input admits whole in the release notes, under its share', () => {
    // As many jobs as parseReceiptInput takes (256), with long names, and more platforms than the
    // table shows: the receipt must still fit its share uncut, so the notes never lose its end.
    const needs = needsOf('all-passed');
    needs.scan!.outputs.platforms = JSON.stringify(
      Array.from({ length: 100 }, (_, i) => ({
        platform: `linux/arch${i}-${'v'.repeat(60)}`,
        digest: `sha256:${i.toString(16).padStart(64, '0')}`,
        verdict: 'fail',
        blocking: 1000 + i,
      })),
    );
    needs.sbom!.outputs.platforms = '';
    const extra = 256 - Object.keys(needs).length;
    for (let i = 0; i < extra; i++)
      needs[`extra-job-${'x'.repeat(100)}-${i}`] = { result: 'failure', outputs: {} };
    const receipt = JSON.stringify(needs);
    expect(Object.keys(parseReceiptInput(receipt, 'receipt'))).toHaveLength(256);
    const notes = notesWithReceipt({ receipt, releaseNotes: '### Verify\n\ncosign verify x' })!;
    expect(Buffer.byteLength(notes)).toBeGreaterThan(RECEIPT_NOTES_LIMIT_BYTES / 2);
    expect(Buffer.byteLength(notes)).toBeLessThan(RECEIPT_NOTES_LIMIT_BYTES);
    expect(notes).not.toContain('was cut to stay within');
    expect(notes.startsWith('## Release receipt\n')).toBe(true);
    expect(notes.endsWith('\n\n### Verify\n\ncosign verify x')).toBe(true);
  });
});

describe('notesWithReceipt', () => {
  it('is the notes alone without a receipt, and nothing when both are empty', () => {
    expect(notesWithReceipt({ releaseNotes: 'x' })).toBe('x');
    expect(notesWithReceipt({ releaseNotes: '  \n' })).toBeUndefined();
    expect(notesWithReceipt({})).toBeUndefined();
  });

  it('names the receipt input when it is not JSON', () => {
    expect(() => notesWithReceipt({ receipt: 'nope', releaseNotes: 'x' })).toThrow(
      expect.objectContaining({ input: 'receipt' }),
    );
  });

  it('in the notes of publish (which needs every job up to verify) says verified, and draws the jobs it knows', () => {
    const needs = needsOf('all-passed');
    delete needs.publish;
    delete needs.tag;
    const notes = notesWithReceipt({ receipt: JSON.stringify(needs) })!;
    expect(notes).toContain('✅ **Verified**: every artifact verified as a consumer verifies it.');
    const { nodes } = parseDiagram(mermaid(notes));
    expect([...nodes.keys()]).toEqual(PIPELINE.slice(0, 9).map((id) => `job_${id}`));
  });
});

describe('runUrlFrom', () => {
  it('is the page of the attempt, or nothing outside a runner or for odd values', () => {
    expect(
      runUrlFrom({
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'aotanami/aotanami',
        GITHUB_RUN_ID: '42',
        GITHUB_RUN_ATTEMPT: '2',
      }),
    ).toBe('https://github.com/aotanami/aotanami/actions/runs/42/attempts/2');
    expect(runUrlFrom({})).toBeUndefined();
    expect(
      runUrlFrom({
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'a/b)[x](y',
        GITHUB_RUN_ID: '42',
      }),
    ).toBeUndefined();
  });
});
