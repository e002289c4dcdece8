import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import {
  actionFolders,
  cell,
  generate,
  inputsTable,
  insertMarkers,
  outputsTable,
  renderReadme,
  renderWorkflowDoc,
  replaceRegion,
  WORKFLOW_DOC,
  WORKFLOW_FILE,
} from '../../../scripts/docs.mjs';
import { repoRoot } from '../../harness/run-bundle.js';

/**
 * `npm run docs` writes the inputs/outputs tables of every <name>/README.md from its action.yml,
 * and the reusable workflow's tables into docs/reusable-workflow.md. Here the generator runs in
 * memory over this repository: what it would write must be exactly what is committed.
 */

describe('the committed documentation', () => {
  const files = generate(repoRoot);

  it('covers every action with a README, and the reusable workflow', () => {
    const names = actionFolders(repoRoot);
    expect(names).toEqual(expect.arrayContaining(['sbom', 'scan', 'sign', 'attest', 'chart', 'publish']));
    expect([...files.keys()].sort()).toEqual(
      [...names.map((name) => `${name}/README.md`), WORKFLOW_DOC].sort(),
    );
  });

  it.each([...files.keys()])('%s is what npm run docs generates', (file) => {
    const { current, generated } = files.get(file)!;
    expect(current).toBe(generated);
  });

  it('lists every input and output of each action.yml', () => {
    for (const name of actionFolders(repoRoot)) {
      const action = parse(readFileSync(path.join(repoRoot, name, 'action.yml'), 'utf8')) as {
        inputs?: object;
        outputs?: object;
      };
      const readme = readFileSync(path.join(repoRoot, name, 'README.md'), 'utf8');
      const region = (marker: string) =>
        readme.slice(readme.indexOf(`<!-- ${marker}:start -->`), readme.indexOf(`<!-- ${marker}:end -->`));
      for (const input of Object.keys(action.inputs ?? {})) {
        expect([name, region('inputs').includes(`| \`${input}\` |`)]).toEqual([name, true]);
      }
      for (const output of Object.keys(action.outputs ?? {})) {
        expect([name, region('outputs').includes(`| \`${output}\` |`)]).toEqual([name, true]);
      }
    }
  });

  it('documents every input, secret and output of the reusable workflow, and those of the root action', () => {
    const workflow = parse(readFileSync(path.join(repoRoot, WORKFLOW_FILE), 'utf8')) as {
      on: { workflow_call: { inputs: object; secrets: object; outputs: object } };
    };
    const doc = readFileSync(path.join(repoRoot, WORKFLOW_DOC), 'utf8');
    const call = workflow.on.workflow_call;
    for (const name of [
      ...Object.keys(call.inputs),
      ...Object.keys(call.secrets),
      ...Object.keys(call.outputs),
    ]) {
      expect([name, doc.includes(`| \`${name}\` |`)]).toEqual([name, true]);
    }
    const root = parse(readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as {
      inputs: object;
      outputs: object;
    };
    const section = doc.slice(
      doc.indexOf('<!-- release-inputs:start -->'),
      doc.indexOf('<!-- release-outputs:end -->'),
    );
    for (const name of [...Object.keys(root.inputs), ...Object.keys(root.outputs)]) {
      expect([name, section.includes(`| \`${name}\` |`)]).toEqual([name, true]);
    }
  });
});

describe('the generator', () => {
  const action = {
    inputs: {
      image: { description: 'The image, registry/name@sha256:<hex>.', required: true },
      mode: { description: 'a | b, see\n`<mode>` below', default: 'a' },
      token: { description: 'Token.', default: '${{ github.token }}' },
      flag: { description: 'A flag.', required: false, default: false },
    },
    outputs: { digest: { description: 'The digest.' } },
  };

  it('renders one row per input: name, required, default as code, description on one line', () => {
    expect(inputsTable(action)).toBe(
      [
        '| input | required | default | description |',
        '|---|---|---|---|',
        '| `image` | yes |  | The image, registry/name@sha256:&lt;hex>. |',
        '| `mode` | no | `a` | a \\| b, see `<mode>` below |',
        '| `token` | no | `${{ github.token }}` | Token. |',
        '| `flag` | no | `false` | A flag. |',
      ].join('\n'),
    );
    expect(outputsTable(action)).toBe(
      ['| output | description |', '|---|---|', '| `digest` | The digest. |'].join('\n'),
    );
    expect(inputsTable({})).toBe('No inputs.');
    expect(outputsTable({ outputs: {} })).toBe('No outputs.');
  });

  it('escapes what would break a table cell or read as HTML, but not inside code spans', () => {
    expect(cell('a|b')).toBe('a\\|b');
    expect(cell('<b>x</b> and `<b>`')).toBe('&lt;b>x&lt;/b> and `<b>`');
    expect(cell('two\n  lines')).toBe('two lines');
    expect(cell('*.yml or `*.yaml`')).toBe('\\*.yml or `*.yaml`');
    expect(cell(undefined)).toBe('');
  });

  it('replaces only the text between the markers', () => {
    const text = 'before\n<!-- inputs:start -->\nold\ntable\n<!-- inputs:end -->\nafter\n';
    expect(replaceRegion(text, 'inputs', 'new')).toBe(
      'before\n<!-- inputs:start -->\nnew\n<!-- inputs:end -->\nafter\n',
    );
    expect(replaceRegion('no markers', 'inputs', 'x')).toBeUndefined();
    expect(() => replaceRegion('<!-- inputs:end --> <!-- inputs:start -->', 'inputs', 'x')).toThrow(
      /in that order/,
    );
    expect(() => replaceRegion('<!-- inputs:start -->', 'inputs', 'x')).toThrow(/both appear/);
    expect(() =>
      replaceRegion(
        '<!-- inputs:start --><!-- inputs:end --><!-- inputs:start --><!-- inputs:end -->',
        'inputs',
        'x',
      ),
    ).toThrow(/once/);
  });

  it('inserts the markers after the title and introduction, not at a "## " line inside code', () => {
    const readme = '# demo\n\nWhat it does.\n\n```sh\n## not a heading\n```\n\n## Usage\n\nText.\n';
    const inserted = insertMarkers(readme);
    expect(inserted.indexOf('<!-- inputs:start -->')).toBeGreaterThan(inserted.indexOf('## not a heading'));
    expect(inserted.indexOf('<!-- outputs:end -->')).toBeLessThan(inserted.indexOf('## Usage'));
    expect(inserted.replace(/## Inputs and outputs[\s\S]*?<!-- outputs:end -->\n\n/, '')).toBe(readme);
    expect(insertMarkers('# only a title\n')).toMatch(
      /^# only a title\n\n## Inputs and outputs\n[\s\S]*<!-- outputs:end -->\n$/,
    );
  });

  it('leaves everything outside the markers as it was, and is stable', () => {
    const readme = '# demo\n\nIntro.\n\n## Usage\n\nHand-written | text <kept>.\n';
    const once = renderReadme(readme, action);
    expect(renderReadme(once, action)).toBe(once);
    const outside = once.replace(/<!-- (inputs|outputs):start -->[\s\S]*?<!-- \1:end -->/g, '');
    expect(outside).toContain('Hand-written | text <kept>.');
    expect(once).toContain('| `image` | yes |');
    expect(once).toContain('| `digest` | The digest. |');
  });

  it('refuses a README with one of the two marker pairs missing', () => {
    expect(() => renderReadme('# x\n<!-- inputs:start -->\n<!-- inputs:end -->\n', action)).toThrow(
      /outputs markers are missing/,
    );
  });

  it('renders the workflow inputs with their types, the secrets and the outputs', () => {
    const workflow = {
      on: {
        workflow_call: {
          inputs: { provenance: { description: 'SLSA.', type: 'boolean', default: true } },
          secrets: { 'registry-password': { description: 'Password.', required: false } },
          outputs: { 'image-digest': { description: 'Digest.', value: '${{ jobs.a.outputs.d }}' } },
        },
      },
    };
    const doc = renderWorkflowDoc('# w\n<!-- workflow:start -->\n<!-- workflow:end -->\n', workflow);
    expect(doc).toContain('| `provenance` | boolean | no | `true` | SLSA. |');
    expect(doc).toContain('| `registry-password` | no | Password. |');
    expect(doc).toContain('| `image-digest` | Digest. |');
    expect(() => renderWorkflowDoc('# w\n', workflow)).toThrow(/missing/);
  });

  it('renders the root action into the workflow guide when given, and then needs its markers', () => {
    const text = [
      '# w',
      '<!-- workflow:start -->',
      '<!-- workflow:end -->',
      '<!-- release-inputs:start -->',
      '<!-- release-inputs:end -->',
      '<!-- release-outputs:start -->',
      'stale',
      '<!-- release-outputs:end -->',
      '',
    ].join('\n');
    const doc = renderWorkflowDoc(text, {}, action);
    expect(doc).toContain('<!-- release-inputs:start -->\n| input | required | default | description |');
    expect(doc).toContain('| `digest` | The digest. |\n<!-- release-outputs:end -->');
    expect(doc).not.toContain('stale');
    expect(() => renderWorkflowDoc('<!-- workflow:start -->\n<!-- workflow:end -->\n', {}, action)).toThrow(
      /release-inputs:start/,
    );
  });

  describe('over a made-up repository', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'docs-'));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    const write = (file: string, text: string) => {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    };
    write(
      'demo/action.yml',
      'name: d\ndescription: d\ninputs:\n  a: {description: A}\nruns: {using: node24, main: x.js}\n',
    );
    write('demo/README.md', '# demo\n\nIntro.\n\n## More\n');
    write('nodoc/action.yml', 'name: n\ndescription: n\nruns: {using: node24, main: x.js}\n');
    write('.hidden/action.yml', 'name: h\ndescription: h\nruns: {using: node24, main: x.js}\n');
    write('.hidden/README.md', '# hidden\n');

    it('finds folders with both files and reports the README as out of date until it is written', () => {
      expect(actionFolders(root)).toEqual(['demo']);
      const first = generate(root);
      expect([...first.keys()]).toEqual(['demo/README.md']);
      const { current, generated } = first.get('demo/README.md')!;
      expect(current).not.toBe(generated);
      write('demo/README.md', generated);
      const second = generate(root).get('demo/README.md')!;
      expect(second.current).toBe(second.generated);
    });

    it('reports drift once action.yml changes', () => {
      write(
        'demo/action.yml',
        'name: d\ndescription: d\ninputs:\n  a: {description: A changed}\nruns: {using: node24, main: x.js}\n',
      );
      const { current, generated } = generate(root).get('demo/README.md')!;
      expect(generated).toContain('A changed');
      expect(current).not.toBe(generated);
    });

    it('names the file whose markers are broken', () => {
      write(
        'demo/README.md',
        '# demo\n<!-- inputs:start -->\n<!-- outputs:start -->\n<!-- outputs:end -->\n',
      );
      expect(() => generate(root)).toThrow(/^demo\/README\.md: .*inputs/);
    });
  });
});
