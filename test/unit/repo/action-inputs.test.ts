import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { actionFolders, madeUpRepository, readActionMetadata } from '../../harness/action-metadata.js';
import { repoRoot } from '../../harness/run-bundle.js';

/**
 * Every input an action's code reads must be declared in its action.yml, and every declared
 * input must be read: a typo on either side would otherwise be silently ignored by the runner.
 * The code is read statically: kit's readers take the input name as a string literal.
 */

const READERS = [
  'readString',
  'readSecret',
  'readBoolean',
  'readEnum',
  'readList',
  'readMultiline',
  'readInteger',
  'readPath',
];
const call = new RegExp(`\\b(${READERS.join('|')})\\(\\s*([^,)]*)`, 'g');

interface Reads {
  names: Set<string>;
  /** Calls whose first argument is not a string literal: the static check cannot see them. */
  dynamic: string[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

function readInputs(srcDir: string): Reads {
  const reads: Reads = { names: new Set(), dynamic: [] };
  for (const file of sourceFiles(srcDir)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(call)) {
      const argument = (match[2] ?? '').trim();
      const literal = /^(['"`])([^'"`$\\]+)\1$/.exec(argument);
      if (literal) reads.names.add(literal[2]!);
      else {
        const line = text.slice(0, match.index).split('\n').length;
        reads.dynamic.push(`${path.relative(srcDir, file)}:${line}: ${match[1]}(${argument}`);
      }
    }
  }
  return reads;
}

/** The actions with sources: <name>/action.yml beside actions/<name>/src. */
function actionNames(root: string): string[] {
  const actionsDir = path.join(root, 'actions');
  if (!existsSync(actionsDir)) return [];
  return readdirSync(actionsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(actionsDir, entry.name, 'src')))
    .map((entry) => entry.name)
    .sort();
}

/** Every mismatch between an action's code and its action.yml, one line each. */
function checkActions(root: string): string[] {
  const problems: string[] = [];
  for (const name of actionNames(root)) {
    const metadata = readActionMetadata(root, name);
    if (metadata === undefined) {
      problems.push(`${name}: actions/${name}/src exists but ${name}/action.yml does not`);
      continue;
    }
    const declared = new Set(Object.keys(metadata.inputs ?? {}));
    const reads = readInputs(path.join(root, 'actions', name, 'src'));
    for (const input of reads.names) {
      if (!declared.has(input)) problems.push(`${name}: reads input '${input}', not declared in action.yml`);
    }
    for (const input of declared) {
      if (!reads.names.has(input)) problems.push(`${name}: declares input '${input}', never read`);
    }
    for (const where of reads.dynamic) {
      problems.push(`${name}: input name is not a string literal at ${where}`);
    }
    if (metadata.runs?.using !== 'node24') {
      problems.push(`${name}: runs.using is ${metadata.runs?.using}, expected node24`);
    }
    const main = `../dist/${name}/index.js`;
    if (metadata.runs?.main !== main) {
      problems.push(`${name}: runs.main is ${metadata.runs?.main}, expected ${main}`);
    } else if (!existsSync(path.join(root, name, main))) {
      problems.push(`${name}: ${main} does not exist (npm run build -- ${name})`);
    }
  }
  return problems;
}

describe('action.yml inputs match what the code reads', () => {
  it('holds for every action in this repository', () => {
    expect(checkActions(repoRoot)).toEqual([]);
  });

  it('every <name>/action.yml of a JavaScript action has its sources', () => {
    const javascript = actionFolders(repoRoot).filter(
      (name) => readActionMetadata(repoRoot, name)?.runs?.using !== 'composite',
    );
    expect(javascript.filter((name) => !actionNames(repoRoot).includes(name))).toEqual([]);
  });

  describe('on a made-up action with every kind of mismatch', () => {
    const { root, write } = madeUpRepository('action-inputs-');

    write(
      'actions/demo/src/main.ts',
      [
        "import { readString, readBoolean, readList } from '@release-actions/kit';",
        "const image = readString('image', { required: true });",
        'const dry = readBoolean(\n  "dry-run",\n  { default: false },\n);',
        "const typo = readList('tool');",
        'const name = process.argv[2];',
        'readString(name);',
      ].join('\n'),
    );
    write(
      'actions/demo/src/lib/more.ts',
      "import { readSecret } from '@release-actions/kit';\nreadSecret(`token`);\n",
    );
    write(
      'demo/action.yml',
      [
        'name: demo',
        'description: demo',
        'inputs:',
        '  image: {description: x, required: true}',
        '  dry-run: {description: x}',
        '  tools: {description: x}',
        '  token: {description: x}',
        'runs:',
        '  using: node20',
        '  main: ../dist/demo/index.js',
      ].join('\n'),
    );
    write('actions/nometa/src/main.ts', '');
    write('actions/other/src/main.ts', "readEnum('mode', ['a']);\n");
    write(
      'other/action.yml',
      'name: o\ndescription: o\ninputs:\n  mode: {description: m}\nruns:\n  using: node24\n  main: dist/other.js\n',
    );

    it('collects literal names across files and lines, and flags a non-literal one', () => {
      const reads = readInputs(path.join(root, 'actions/demo/src'));
      expect([...reads.names].sort()).toEqual(['dry-run', 'image', 'token', 'tool']);
      expect(reads.dynamic).toEqual(['main.ts:9: readString(name']);
    });

    it('reports each mismatch', () => {
      expect(checkActions(root)).toEqual([
        "demo: reads input 'tool', not declared in action.yml",
        "demo: declares input 'tools', never read",
        'demo: input name is not a string literal at main.ts:9: readString(name',
        'demo: runs.using is node20, expected node24',
        'demo: ../dist/demo/index.js does not exist (npm run build -- demo)',
        'nometa: actions/nometa/src exists but nometa/action.yml does not',
        'other: runs.main is dist/other.js, expected ../dist/other/index.js',
      ]);
    });

    it('passes once the action is made consistent', () => {
      write(
        'demo/action.yml',
        readFileSync(path.join(root, 'demo/action.yml'), 'utf8').replace('tools:', 'tool:'),
      );
      write(
        'demo/action.yml',
        readFileSync(path.join(root, 'demo/action.yml'), 'utf8').replace('using: node20', 'using: node24'),
      );
      write(
        'actions/demo/src/main.ts',
        readFileSync(path.join(root, 'actions/demo/src/main.ts'), 'utf8').replace('readString(name);', ''),
      );
      write('dist/demo/index.js', '');
      rmSync(path.join(root, 'actions/nometa'), { recursive: true });
      rmSync(path.join(root, 'actions/other'), { recursive: true });
      expect(checkActions(root)).toEqual([]);
    });
  });
});
