import { describe, expect, it } from '@jest/globals';
import {
  buildIdentityPolicy,
  cliCommand,
  CHECK_NAMES,
  equivalentCommands,
  type Signer,
} from '@release-actions/verify';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../harness/run-bundle.js';

/**
 * docs/verify.md shows a consumer the exact commands for both signer modes; they must be the
 * commands the code prints for the same release, so the guide cannot drift from the tool.
 */
const doc = readFileSync(path.join(repoRoot, 'docs', 'verify.md'), 'utf8');
const IMAGE =
  'ghcr.io/aotanami/aotanami@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

/** The command lines of the ```sh blocks, in order. */
function documented(): string[] {
  const blocks = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks.flatMap((block) => block.split('\n').filter((line) => line.trim() !== ''));
}

function printed(signer: Signer, workflow?: string): string[] {
  const policy = buildIdentityPolicy({ repository: 'aotanami/aotanami', signer, workflow });
  return [
    cliCommand({ image: IMAGE, repository: 'aotanami/aotanami', signer, workflow, sourceTag: 'v1.2.3' }),
    ...equivalentCommands([{ reference: IMAGE, top: true }], CHECK_NAMES, { policy, sourceTag: 'v1.2.3' }),
  ];
}

describe('docs/verify.md', () => {
  it('shows exactly the commands the code prints, reusable workflow first, then the publisher workflow', () => {
    expect(documented()).toEqual([
      ...printed('reusable-workflow'),
      ...printed('workflow', '.github/workflows/release.yml'),
    ]);
  });

  it('binds the repository claim and anchors every identity in its commands', () => {
    for (const line of documented().filter((l) => l.startsWith('cosign '))) {
      expect(line).toContain('--certificate-github-workflow-repository aotanami/aotanami');
      expect(line).toMatch(/--certificate-identity-regexp '\^https:\/\/github\\\.com\/[^']*\$'/);
    }
  });
});
