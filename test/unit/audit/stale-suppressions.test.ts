import { describe, expect, it } from '@jest/globals';
import { auditSources, selectFindings, type AuditConfig, type AuditResult } from '@release-actions/audit';
import { oneJobWorkflow, PINNED_SHA } from '../../harness/one-job-workflow.js';

const SHA = PINNED_SHA;

/** A clean workflow whose last step is `uses`, with `comment` alone on the line above it (or after it). */
function workflow(uses: string, comment: { above?: string; after?: string }): string {
  const above = comment.above ? [comment.above] : [];
  return oneJobWorkflow({
    job: '{}',
    steps: [...above, `- uses: ${uses}${comment.after ? ` ${comment.after}` : ''}`],
  });
}

function audit(text: string, config?: AuditConfig): AuditResult {
  return auditSources([{ file: 'w.yml', text }], { config });
}

const meta = (result: AuditResult) =>
  result.findings.filter((f) => f.rule === 'META001').map((f) => [f.line, f.column, f.message]);

const PINNED = `actions/setup-go@${SHA} # v5.5.0`;

describe('META001: suppressions that suppress nothing', () => {
  it('reports a justified suppression above a line where its rule finds nothing, naming the rule and the line', () => {
    const result = audit(
      workflow(PINNED, { above: '# release-actions: ignore[PIN001] tracks the major tag' }),
    );
    expect(meta(result)).toEqual([
      [12, 7, 'The suppression of PIN001 covers line 13, where it finds nothing; remove it.'],
    ]);
    expect(result.findings.find((f) => f.rule === 'META001')!.severity).toBe('low');
  });

  it('reports a trailing suppression of a rule that finds nothing on its own line', () => {
    const result = audit(
      workflow('actions/setup-go@v5', { after: '# release-actions: ignore[PIN001, CRED001] both reviewed' }),
    );
    expect(meta(result)).toEqual([
      [12, 35, 'The suppression names CRED001, which finds nothing on line 12; remove it from the list.'],
    ]);
    expect(result.findings.map((f) => f.rule)).toEqual(['META001']);
    expect(result.suppressed).toBe(1);
  });

  it('reports none for a suppression that suppresses a finding', () => {
    const result = audit(
      workflow('actions/setup-go@v5', { above: '# release-actions: ignore[PIN001] tracks the major tag' }),
    );
    expect([result.findings, result.suppressed]).toEqual([[], 1]);
  });

  it('names zizmor audits with the rules they stand for, and counts any of them as used', () => {
    const stale = audit(workflow(PINNED, { above: '# zizmor: ignore[unpinned-uses] tracks the major tag' }));
    expect(meta(stale)).toEqual([
      [12, 7, 'The suppression of unpinned-uses (PIN001) covers line 13, where it finds nothing; remove it.'],
    ]);
    const used = audit(
      workflow('actions/setup-go@v5', { above: '# zizmor: ignore[unpinned-uses] tracks the major tag' }),
    );
    expect(used.findings).toEqual([]);
  });

  it('counts findings of a rule disabled in the config, or of an ignored path, as there', () => {
    const text = workflow('actions/setup-go@v5', {
      above: '# release-actions: ignore[PIN001] tracks the major tag',
    });
    const disabled = audit(text, { rules: { PIN001: { disabled: true, reason: 'x' } }, ignore: [] });
    expect(disabled.findings).toEqual([]);
    const ignored = audit(text, { rules: {}, ignore: [{ path: 'w.yml', rules: ['PIN001'], reason: 'x' }] });
    expect(ignored.findings).toEqual([]);
    // The suppression is what hides the finding here, not the config: it is not stale.
    const disabledElsewhere = audit(text, { rules: { HR003: { disabled: true, reason: 'x' } }, ignore: [] });
    expect([disabledElsewhere.findings, disabledElsewhere.suppressed]).toEqual([[], 1]);
  });

  it('counts a finding below the shown severity as there', () => {
    const text = workflow(`actions/setup-go@${SHA} # v5`, {
      above: '# release-actions: ignore[PIN003] the major is what we track',
    });
    const result = audit(text);
    expect([result.findings, result.suppressed]).toEqual([[], 1]);
    const bare = audit(workflow(`actions/setup-go@${SHA} # v5`, {}));
    expect(selectFindings(bare, 'medium')).toEqual([]);
    expect(bare.findings.map((f) => f.rule)).toEqual(['PIN003']);
  });

  it('never calls a PIN004 suppression stale: its findings depend on the other files audited with it', () => {
    const result = audit(workflow(PINNED, { above: '# release-actions: ignore[PIN004] vendored pin' }));
    expect(result.findings).toEqual([]);
  });

  it('keeps reporting suppressions without a reason as such, not as stale', () => {
    const result = audit(workflow(PINNED, { above: '# release-actions: ignore[PIN001]' }));
    expect(meta(result)).toEqual([
      [12, 7, 'The suppression of PIN001 gives no reason; it suppresses nothing.'],
    ]);
  });
});
