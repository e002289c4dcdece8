import { describe, expect, it } from '@jest/globals';
import { auditSources, rule, type Finding } from '@release-actions/audit';
import { oneJobWorkflow, PINNED_SHA, type OneJobWorkflow } from '../../harness/one-job-workflow.js';

const SHA = PINNED_SHA;

const workflow = (options: Omit<OneJobWorkflow, 'id'>): string => oneJobWorkflow({ id: 'sign', ...options });

function hr004(text: string): Finding[] {
  return auditSources([{ file: 'w.yml', text }]).findings.filter((f) => f.rule === 'HR004');
}

const attest = [
  `- uses: actions/attest-build-provenance@${SHA} # v3.0.0`,
  '  with:',
  '    subject-path: app',
];
const signBlob = ['- run: cosign sign-blob --yes --bundle app.sigstore.json app'];

describe('HR004: sudo and containers in a job that only reads and signs', () => {
  it('is a low hint on harden-runner in a job granted only reads, id-token and attestations', () => {
    const findings = hr004(
      workflow({ job: '{ contents: read, id-token: write, attestations: write }', steps: attest }),
    );
    expect(rule('HR004').severity).toBe('low');
    expect(findings.map((f) => [f.line, f.column, f.severity, f.message])).toEqual([
      [
        9,
        15,
        'low',
        'Job "sign" only reads and signs (actions/attest-build-provenance) but harden-runner does not set disable-sudo-and-containers: true.',
      ],
    ]);
  });

  it('passes disable-sudo-and-containers: true, and says that disable-sudo alone is not enough', () => {
    const job = '{ id-token: write }';
    expect(hr004(workflow({ job, harden: ['disable-sudo-and-containers: true'], steps: signBlob }))).toEqual(
      [],
    );
    expect(
      hr004(workflow({ job, harden: ["disable-sudo-and-containers: 'True'"], steps: signBlob })),
    ).toEqual([]);
    const older = hr004(workflow({ job, harden: ['disable-sudo: true'], steps: signBlob }));
    expect(older.map((f) => f.message)).toEqual([
      'Job "sign" only reads and signs (the run: of step 2) but harden-runner does not set disable-sudo-and-containers: true (disable-sudo: true still leaves the docker group, root by another door).',
    ]);
    const off = hr004(workflow({ job, harden: ['disable-sudo-and-containers: false'], steps: signBlob }));
    expect(off).toHaveLength(1);
  });

  it('reads the workflow permissions for a job without its own, read-all included', () => {
    expect(hr004(workflow({ top: '{ contents: read, id-token: write }', steps: signBlob }))).toHaveLength(1);
    expect(hr004(workflow({ top: 'read-all', steps: signBlob }))).toHaveLength(1);
  });

  it('leaves jobs that write elsewhere, sign nothing, or have no permissions in effect', () => {
    const sign = ['- uses: $/sign', '  with:', `    images: ghcr.io/o/app@sha256:${'0'.repeat(64)}`];
    expect(hr004(workflow({ job: '{ id-token: write, packages: write }', steps: sign }))).toEqual([]);
    expect(hr004(workflow({ job: '{ contents: write, id-token: write }', steps: signBlob }))).toEqual([]);
    expect(hr004(workflow({ job: '{ contents: read }', steps: ['- run: make test'] }))).toEqual([]);
    expect(hr004(workflow({ top: "''", steps: signBlob }).replace("permissions: ''\n", ''))).toEqual([]);
  });

  it('is not reported where harden-runner is missing: HR001 covers that', () => {
    const text = workflow({ job: '{ id-token: write }', steps: signBlob })
      .split('\n')
      .filter((line) => !/step-security|with:|egress-policy/.test(line))
      .join('\n');
    const rules = auditSources([{ file: 'w.yml', text }]).findings.map((f) => f.rule);
    expect(rules).toContain('HR001');
    expect(rules).not.toContain('HR004');
  });
});
