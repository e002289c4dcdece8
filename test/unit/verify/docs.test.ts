import { describe, expect, it } from '@jest/globals';
import {
  BUNDLE_SOURCES,
  buildIdentityPolicy,
  cliCommand,
  DEFAULT_CHECKS,
  equivalentCommands,
  fileCommands,
  OUR_REUSABLE_WORKFLOW,
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

const SOURCE_REF = 'refs/tags/v1.2.3';

function printed(signer: Signer, workflow?: string): string[] {
  const identity = { repository: 'aotanami/aotanami', signer, workflow, sourceRef: SOURCE_REF };
  const policy = buildIdentityPolicy(identity);
  return [
    cliCommand({ image: IMAGE, ...identity }),
    ...equivalentCommands([{ reference: IMAGE, top: true }], DEFAULT_CHECKS, { policy }),
  ];
}

/** A release file verified by its own bundle, then through the signed checksums file with its provenance. */
function printedFile(): string[] {
  const identity = {
    repository: 'aotanami/aotanami',
    signer: 'reusable-workflow' as const,
    sourceRef: SOURCE_REF,
  };
  const policy = buildIdentityPolicy(identity);
  const own = { file: 'app-linux-amd64', bundle: 'app-linux-amd64.sigstore.json' };
  const listed = {
    file: 'app-linux-amd64',
    bundle: 'checksums.txt.sigstore.json',
    checksums: 'checksums.txt',
    provenancePath: 'app-linux-amd64.intoto.jsonl',
  };
  return [
    cliCommand({ ...identity, file: { file: own.file }, checks: ['signature'] }),
    ...fileCommands(own, ['signature'], { policy }),
    cliCommand({
      ...identity,
      file: { file: listed.file, checksums: listed.checksums, provenancePath: listed.provenancePath },
      checks: ['signature', 'provenance'],
    }),
    ...fileCommands(listed, ['signature', 'provenance'], { policy }),
  ];
}

/** The release-actions command a consumer of a SHA-pinned caller's release is told to run. */
const CONSUMER = `release-actions verify ${IMAGE} --repository aotanami/aotanami --source-ref ${SOURCE_REF}`;

describe('docs/verify.md', () => {
  it('shows exactly the commands the code prints, reusable workflow first, then the publisher workflow', () => {
    expect(documented()).toEqual([
      ...printed('reusable-workflow'),
      ...printed('workflow', '.github/workflows/release.yml'),
      ...printedFile(),
    ]);
  });

  it('gives the same command for a release made by a SHA-pinned caller in verify/README.md and SECURITY.md', () => {
    expect(printed('reusable-workflow')[0]).toBe(CONSUMER);
    for (const file of ['verify/README.md', 'SECURITY.md']) {
      const text = readFileSync(path.join(repoRoot, file), 'utf8');
      expect([file, text.includes(CONSUMER)]).toEqual([file, true]);
      expect([file, /ref-pattern/.test(text.replace(/(source|workflow)-ref-pattern/g, ''))]).toEqual([
        file,
        /retired|refused/.test(text),
      ]);
    }
  });

  it("accepts our workflow at a tag or any commit, and binds the publisher's repository and ref in its commands", () => {
    for (const line of documented().filter((l) => l.startsWith('cosign '))) {
      // verify-blob lines carry the same identity flags as verify.
      expect(line).toContain('--certificate-github-workflow-repository aotanami/aotanami');
      expect(line).toContain(`--certificate-github-workflow-ref ${SOURCE_REF}`);
      expect(line).toMatch(/--certificate-identity-regexp '\^https:\/\/github\\\.com\/[^']*\$'/);
    }
  });

  it("reads GitHub's attestation store with flags the CLI has, and gh with our workflow as the signer", () => {
    const blocks = [...doc.matchAll(/```shell\n([\s\S]*?)```/g)].map((m) =>
      (m[1] ?? '').replace(/\\\n\s*/g, ''),
    );
    const ours = blocks.find((b) => b.startsWith('release-actions verify'));
    const gh = blocks.find((b) => b.startsWith('gh attestation verify'));
    const source = /--source (\S+)/.exec(ours ?? '')?.[1];
    expect(BUNDLE_SOURCES).toContain(source);
    expect(ours).toContain('--engine native');
    expect(gh).toContain(`--signer-workflow ${OUR_REUSABLE_WORKFLOW} `);
    expect(gh).toContain('--repo aotanami/aotanami ');
    expect(gh).toContain(`--source-ref ${SOURCE_REF}`);
  });
});
