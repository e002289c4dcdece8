import { beforeAll, describe, expect, it } from '@jest/globals';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parse } from 'yaml';
import { permissionMap, read, RELEASE_WORKFLOW, type Workflow } from './model.js';

/**
 * The receipt job of release.yml, as GitHub's own parser reads it (needs, the condition, the
 * action called) and as written (its with: and permissions): it comes last, needs every other
 * job, runs whatever happened, gets the whole needs context, and holds no scope. The jobs it
 * reads carry the outputs the receipt shows, and publish gives the same context to the notes.
 */

const text = read(RELEASE_WORKFLOW);
const written = parse(text) as Workflow;

interface ParsedJob {
  id: string;
  needs: string[];
  if?: string;
  uses: string[];
}

let jobs: ParsedJob[] = [];

beforeAll(async () => {
  const parsed = parseWorkflow({ name: RELEASE_WORKFLOW, content: text }, new NoOperationTraceWriter());
  expect(parsed.context.errors.getErrors().map((e) => e.message)).toEqual([]);
  const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
  expect(template.errors ?? []).toEqual([]);
  jobs = template.jobs.map((job) => {
    const j = job as unknown as {
      id: { value: string };
      needs?: { value: string }[];
      if?: { expr: string };
      steps?: { uses?: { value: string } }[];
    };
    return {
      id: j.id.value,
      needs: (j.needs ?? []).map((n) => n.value),
      if: j.if?.expr,
      uses: (j.steps ?? []).map((s) => s.uses?.value ?? ''),
    };
  });
});

describe('the receipt job of release.yml', () => {
  it('is the last job and needs every other job', () => {
    const ids = jobs.map((job) => job.id);
    expect(ids[ids.length - 1]).toBe('receipt');
    const receipt = jobs.find((job) => job.id === 'receipt')!;
    expect([...receipt.needs].sort()).toEqual(ids.filter((id) => id !== 'receipt').sort());
  });

  it('runs whatever happened: always(), also after a failure, a blocked gate or a cancellation', () => {
    expect(jobs.find((job) => job.id === 'receipt')!.if).toBe('always()');
  });

  it('passes the whole needs context to the receipt action, after harden-runner', () => {
    const receipt = jobs.find((job) => job.id === 'receipt')!;
    expect(receipt.uses[0]).toMatch(/^step-security\/harden-runner@[0-9a-f]{40}$/);
    expect(receipt.uses.slice(1)).toEqual(['$/receipt']);
    const steps = written.jobs!.receipt!.steps!;
    expect(steps[0]!.with).toMatchObject({ 'egress-policy': 'block', 'allowed-endpoints': '' });
    expect(steps[1]!.with).toEqual({ needs: '${{ toJSON(needs) }}' });
  });

  it('holds no scope, and no secret reaches it', () => {
    expect(written.jobs!.receipt!.permissions).toEqual({});
    expect(permissionMap(written.jobs!.receipt!.permissions)).toEqual({});
    const job = text.slice(text.indexOf('\n  receipt:\n'));
    expect(job).not.toMatch(/secrets\.|github\.token/);
  });

  it('publish needs every job up to verify and writes their receipt into the notes', () => {
    const publish = jobs.find((job) => job.id === 'publish')!;
    expect([...publish.needs].sort()).toEqual(
      [
        'plan',
        'build',
        'push',
        'digests',
        'sbom',
        'scan',
        'sign',
        'provenance',
        'chart',
        'binaries',
        'binaries-provenance',
        'verify',
      ].sort(),
    );
    const step = written.jobs!.publish!.steps!.find((s) => s.uses === '$/publish')!;
    expect(step.with!.receipt).toBe('${{ toJSON(needs) }}');
  });

  it('the jobs expose what the receipt shows, from the steps that make it', () => {
    const outputs = (id: string) => written.jobs![id]!.outputs ?? {};
    expect(outputs('sbom')).toMatchObject({
      digest: expect.any(String),
      platforms: '${{ steps.sbom.outputs.platforms }}',
    });
    expect(outputs('scan')).toMatchObject({
      verdict: '${{ steps.scan.outputs.verdict }}',
      platforms: '${{ steps.scan.outputs.platforms }}',
    });
    for (const id of ['sign', 'chart']) {
      expect([id, outputs(id)]).toEqual([
        id,
        expect.objectContaining({
          signatures: '${{ steps.sign.outputs.digests }}',
          'signature-rekor-urls': '${{ steps.sign.outputs.rekor-urls }}',
          attestations: '${{ steps.attest.outputs.digests }}',
          'attestation-rekor-urls': '${{ steps.attest.outputs.rekor-urls }}',
        }),
      ]);
      const steps = written.jobs![id]!.steps!;
      expect(steps.find((s) => s.id === 'sign')!.uses).toBe('$/sign');
      expect(steps.find((s) => s.id === 'attest')!.uses).toBe('$/attest');
    }
    expect(outputs('chart')).toMatchObject({
      name: '${{ steps.package.outputs.name }}',
      version: '${{ steps.package.outputs.version }}',
      verdict: '${{ steps.scan.outputs.verdict }}',
    });
    expect(outputs('verify')).toMatchObject({
      report: '${{ steps.verify-image.outputs.report }}',
      'chart-report': '${{ steps.verify-chart.outputs.report }}',
    });
    const verify = written.jobs!.verify!.steps!;
    for (const id of ['verify-image', 'verify-chart']) {
      const step = verify.find((s) => s.id === id)!;
      expect([id, step.uses, step.with!.emit]).toEqual([id, '$/verify', undefined]);
    }
  });
});
