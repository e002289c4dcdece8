import { describe, expect, it } from '@jest/globals';
import { validate, type ValidationConfig } from '@actions/languageservice';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parse } from 'yaml';
import { repoRoot } from '../../harness/run-bundle.js';
import { RELEASE_WORKFLOW, read, workflowFiles } from './model.js';

/**
 * GitHub's language service (what the Actions extension of VS Code runs) over release.yml, the root
 * composite action and every example: schema, expressions and contexts, and every `with:` against
 * the inputs of the action or reusable workflow it calls. Our actions (`$/<name>`, and
 * `aotanami/release-actions/...@<sha>` in the examples) resolve to this repository's files; the
 * third-party ones to their action.yml at the pinned commit (test/fixtures/workflow, see SOURCES.md).
 * A reference that resolves to nothing is an error, so no call goes unchecked.
 */

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'workflow');

interface Resolved {
  actions: string[];
  files: string[];
}

function config(resolved: Resolved, local: (file: string) => string | undefined): ValidationConfig {
  return {
    fileProvider: {
      async getFileContent(ref) {
        let content: string | undefined;
        if ('owner' in ref) {
          resolved.files.push(`${ref.owner}/${ref.repository}/${ref.path}@${ref.version}`);
          if (`${ref.owner}/${ref.repository}` === 'aotanami/release-actions') content = local(ref.path);
          else {
            const file = path.join(fixtures, 'workflows', ref.owner, ref.repository, ref.version, ref.path);
            content = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
          }
        } else {
          resolved.files.push(ref.path);
          content = local(ref.path);
        }
        if (content === undefined) throw new Error(`no such file: ${JSON.stringify(ref)}`);
        return { name: ref.path, content };
      },
    },
    actionsMetadataProvider: {
      async fetchActionMetadata(action) {
        const where = `${action.owner}/${action.name}${action.path ? `/${action.path}` : ''}@${action.ref}`;
        resolved.actions.push(where);
        const text =
          `${action.owner}/${action.name}` === 'aotanami/release-actions'
            ? local(path.posix.join(action.path ?? '', 'action.yml'))
            : (() => {
                const file = path.join(
                  fixtures,
                  'actions',
                  action.owner,
                  action.name,
                  action.ref,
                  action.path ?? '',
                  'action.yml',
                );
                return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
              })();
        return text === undefined ? undefined : parse(text);
      },
    },
  };
}

function fromRepository(file: string): string | undefined {
  const full = path.join(repoRoot, file);
  return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
}

let calls = 0;

async function diagnose(
  file: string,
  content: string,
  local: (file: string) => string | undefined = fromRepository,
): Promise<{ messages: string[]; resolved: Resolved }> {
  const resolved: Resolved = { actions: [], files: [] };
  // The service caches what it parsed by document URI alone: a URI of its own for every call.
  const document = TextDocument.create(`file:///check-${++calls}/${file}`, 'yaml', 1, content);
  const diagnostics = await validate(document, config(resolved, local));
  return {
    messages: diagnostics.map((d) => `${file}:${d.range.start.line + 1}: ${d.message}`),
    resolved,
  };
}

const files = [
  RELEASE_WORKFLOW,
  'action.yml',
  ...workflowFiles().filter((file) => file.startsWith('examples/')),
];

describe('@actions/languageservice finds nothing wrong', () => {
  it('checks release.yml, the root action and at least two examples', () => {
    expect(files).toContain(RELEASE_WORKFLOW);
    expect(files.filter((file) => file.startsWith('examples/')).length).toBeGreaterThanOrEqual(2);
  });

  it.each(files)('in %s', async (file) => {
    const { messages } = await diagnose(file, read(file));
    expect(messages).toEqual([]);
  });

  it('resolved every action and reusable workflow release.yml calls (so each with: was checked)', async () => {
    const { resolved } = await diagnose(RELEASE_WORKFLOW, read(RELEASE_WORKFLOW));
    const uses = new Set(
      [...read(RELEASE_WORKFLOW).matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)/gm)].map((m) => m[1]!.split('@')[0]!),
    );
    const seen = new Set([
      ...resolved.actions.map((a) => a.split('@')[0]!),
      ...resolved.files.map((f) => f.replace(/\/action\.yml$/, '').replace(/@.*$/, '')),
    ]);
    const selfRefs = [...uses].filter((u) => u.startsWith('$/')).map((u) => u.slice(2));
    for (const name of selfRefs) expect([name, seen.has(name)]).toEqual([name, true]);
    for (const ref of [...uses].filter((u) => !u.startsWith('$/'))) {
      expect([ref, seen.has(ref)]).toEqual([ref, true]);
    }
  });
});

describe('@actions/languageservice reports', () => {
  const release = read(RELEASE_WORKFLOW);

  it('an input our action does not declare, and a missing required one', async () => {
    const broken = release
      .replace('          files: release-actions-output/assets/*\n', '')
      .replace(
        '          sbom-manifest: release-actions-output/sbom/sbom-platforms.json\n',
        '          sbom-file: release-actions-output/sbom/sbom-platforms.json\n',
      );
    expect(broken).not.toBe(release);
    const text = (await diagnose(RELEASE_WORKFLOW, broken)).messages.join('\n');
    expect(text).toMatch(/Missing required input `files`/);
    expect(text).toMatch(/Invalid action input 'sbom-file'/);
  });

  it('an input a pinned third-party action does not declare', async () => {
    const broken = release.replace(
      '          sarif_file: ${{ steps.scan.outputs.sarif }}',
      '          sarif-file: ${{ steps.scan.outputs.sarif }}',
    );
    expect(broken).not.toBe(release);
    expect((await diagnose(RELEASE_WORKFLOW, broken)).messages.join('\n')).toMatch(
      /Invalid action input 'sarif-file'/,
    );
  });

  it('an input a cloud login action does not declare', async () => {
    const broken = release.replace(
      '          output-env-credentials: false\n',
      '          output-env: false\n',
    );
    expect(broken).not.toBe(release);
    expect((await diagnose(RELEASE_WORKFLOW, broken)).messages.join('\n')).toMatch(
      /Invalid action input 'output-env'/,
    );
  });

  it('an input the SLSA generator does not take', async () => {
    const broken = release.replace(
      '      registry-username: ${{ github.actor }}\n',
      '      registry-user: ${{ github.actor }}\n',
    );
    expect(broken).not.toBe(release);
    expect((await diagnose(RELEASE_WORKFLOW, broken)).messages.join('\n')).toMatch(
      /Invalid input, registry-user is not defined in the referenced workflow/,
    );
  });

  it('an action pinned to a commit we have no metadata for', async () => {
    const broken = release.replace(
      'docker/setup-buildx-action@37fe631027851001ddb9b187196cc803df7f5f0e',
      'docker/setup-buildx-action@0123456789abcdef0123456789abcdef01234567',
    );
    expect((await diagnose(RELEASE_WORKFLOW, broken)).messages.join('\n')).toMatch(
      /Unable to resolve action/,
    );
  });

  it('a self-repository action that does not exist', async () => {
    const broken = release.replace('uses: $/publish', 'uses: $/publsh');
    expect((await diagnose(RELEASE_WORKFLOW, broken)).messages.join('\n')).toMatch(
      /Unable to resolve action `\$\/publsh`/,
    );
  });

  it('an unknown context in an expression', async () => {
    const broken = release.replace('${{ needs.plan.outputs.tag }}', '${{ nedds.plan.outputs.tag }}');
    expect((await diagnose(RELEASE_WORKFLOW, broken)).messages.join('\n')).toMatch(/nedds/);
  });

  it('an example passing an input the reusable workflow does not declare', async () => {
    const example = 'examples/release-image-and-chart.yml';
    const broken = read(example).replace('      severity-cutoff: high', '      severity: high');
    expect(broken).not.toBe(read(example));
    expect((await diagnose(example, broken)).messages.join('\n')).toMatch(
      /Invalid input, severity is not defined in the referenced workflow/,
    );
  });
});
