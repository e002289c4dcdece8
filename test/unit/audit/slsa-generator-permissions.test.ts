import { describe, expect, it } from '@jest/globals';
import { auditSources } from '@release-actions/audit';

/**
 * A job that calls an SLSA generator must grant what the generator's own jobs declare (GitHub
 * refuses the call otherwise, even for jobs that will be skipped), and nothing more.
 */
function permissionFindings(generator: string, permissions: string[]): string[] {
  const text = [
    'name: t',
    'on: { push: { tags: [v*] } }',
    'permissions: {}',
    'jobs:',
    '  provenance:',
    '    permissions:',
    ...permissions.map((p) => `      ${p}`),
    `    uses: slsa-framework/slsa-github-generator/.github/workflows/${generator}@v2.1.0`,
    '    with:',
    '      private-repository: false',
    '',
  ].join('\n');
  return auditSources([{ file: 'w.yml', text }])
    .findings.filter((f) => f.rule.startsWith('PERM'))
    .map((f) => `${f.rule} ${f.message}`);
}

describe('the SLSA generators’ permissions', () => {
  it('container generator: actions read, id-token and packages write, and contents write is excess', () => {
    const needed = ['actions: read', 'id-token: write', 'packages: write'];
    expect(permissionFindings('generator_container_slsa3.yml', needed)).toEqual([]);
    expect(permissionFindings('generator_container_slsa3.yml', [...needed, 'contents: write'])).toEqual([
      expect.stringMatching(/^PERM003 .*contents/),
    ]);
  });

  it('generic generator: actions read, id-token and contents write, and packages write is excess', () => {
    const needed = ['actions: read', 'id-token: write', 'contents: write'];
    expect(permissionFindings('generator_generic_slsa3.yml', needed)).toEqual([]);
    expect(permissionFindings('generator_generic_slsa3.yml', [...needed, 'packages: write'])).toEqual([
      expect.stringMatching(/^PERM003 .*packages/),
    ]);
  });
});
