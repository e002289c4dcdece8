// Writes the inputs and outputs tables of every <name>/README.md from its <name>/action.yml, and the
// inputs, secrets and outputs of the reusable workflow (and those of the root action) into
// docs/reusable-workflow.md, between marker comments. Only the text between the markers is ever
// replaced; a README without markers gets them once, after its title and introduction (before its
// first "## " heading).
//
//   npm run docs            rewrite what is out of date
//   npm run docs -- --check list what is out of date and exit 1, writing nothing
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const WORKFLOW_FILE = '.github/workflows/release.yml';
export const WORKFLOW_DOC = 'docs/reusable-workflow.md';

/**
 * One table cell: a single line, pipes escaped; outside code spans `<` (else it reads as HTML) and
 * `*` (else two of them make emphasis) escaped.
 */
export function cell(value) {
  if (value === undefined || value === null) return '';
  const text = String(value).replace(/\s+/g, ' ').trim();
  return text
    .split('`')
    .map((part, index) => (index % 2 === 0 ? part.replace(/</g, '&lt;').replace(/\*/g, '\\*') : part))
    .join('`')
    .replace(/\|/g, '\\|');
}

function code(value) {
  if (value === undefined || value === null || value === '') return '';
  const text = String(value).replace(/\s+/g, ' ').trim();
  return text.includes('`') ? cell(text) : `\`${text.replace(/\|/g, '\\|')}\``;
}

function table(header, rows) {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---|').join('')}`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

function entries(map) {
  return map && typeof map === 'object' ? Object.entries(map) : [];
}

export function inputsTable(action) {
  const rows = entries(action.inputs).map(([name, input]) => [
    `\`${name}\``,
    input?.required === true ? 'yes' : 'no',
    code(input?.default),
    cell(input?.description),
  ]);
  return rows.length === 0 ? 'No inputs.' : table(['input', 'required', 'default', 'description'], rows);
}

export function outputsTable(action) {
  const rows = entries(action.outputs).map(([name, output]) => [`\`${name}\``, cell(output?.description)]);
  return rows.length === 0 ? 'No outputs.' : table(['output', 'description'], rows);
}

export function workflowTables(workflow) {
  const call = workflow?.on?.workflow_call ?? {};
  const inputs = entries(call.inputs).map(([name, input]) => [
    `\`${name}\``,
    cell(input?.type),
    input?.required === true ? 'yes' : 'no',
    code(input?.default),
    cell(input?.description),
  ]);
  const secrets = entries(call.secrets).map(([name, secret]) => [
    `\`${name}\``,
    secret?.required === true ? 'yes' : 'no',
    cell(secret?.description),
  ]);
  const outputs = entries(call.outputs).map(([name, output]) => [`\`${name}\``, cell(output?.description)]);
  return [
    '**Inputs**',
    '',
    inputs.length === 0
      ? 'No inputs.'
      : table(['input', 'type', 'required', 'default', 'description'], inputs),
    '',
    '**Secrets**',
    '',
    secrets.length === 0 ? 'No secrets.' : table(['secret', 'required', 'description'], secrets),
    '',
    '**Outputs**',
    '',
    outputs.length === 0 ? 'No outputs.' : table(['output', 'description'], outputs),
  ].join('\n');
}

const start = (name) => `<!-- ${name}:start -->`;
const end = (name) => `<!-- ${name}:end -->`;

/**
 * Replaces what lies between the `name` markers. Returns undefined when the markers are missing;
 * throws when they are there but broken (one without the other, twice, or in the wrong order).
 */
export function replaceRegion(text, name, content) {
  const from = text.indexOf(start(name));
  const to = text.indexOf(end(name));
  if (from < 0 && to < 0) return undefined;
  if (from < 0 || to < 0 || to < from) {
    throw new Error(`${start(name)} and ${end(name)} must both appear, in that order`);
  }
  if (text.indexOf(start(name), from + 1) >= 0 || text.indexOf(end(name), to + 1) >= 0) {
    throw new Error(`${start(name)} and ${end(name)} must appear once`);
  }
  return `${text.slice(0, from)}${start(name)}\n${content}\n${text.slice(to)}`;
}

/** The block inserted into a README that has no markers yet. */
function markerBlock() {
  return [
    '## Inputs and outputs',
    '',
    'Generated from [action.yml](action.yml) by `npm run docs`.',
    '',
    start('inputs'),
    end('inputs'),
    '',
    start('outputs'),
    end('outputs'),
    '',
    '',
  ].join('\n');
}

/** Adds the markers after the title and introduction: before the first "## " heading, or at the end. */
export function insertMarkers(text) {
  let offset = 0;
  let fenced = false;
  for (const line of text.split('\n')) {
    // A "## " line inside a fenced code block is code, not a heading.
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    else if (!fenced && line.startsWith('## ')) {
      return `${text.slice(0, offset)}${markerBlock()}${text.slice(offset)}`;
    }
    offset += line.length + 1;
  }
  return `${text.replace(/\n*$/, '\n\n')}${markerBlock().replace(/\n+$/, '\n')}`;
}

/** The README of an action with both tables up to date. */
export function renderReadme(text, action) {
  let out = text;
  if (!out.includes(start('inputs')) && !out.includes(start('outputs'))) out = insertMarkers(out);
  for (const [name, content] of [
    ['inputs', inputsTable(action)],
    ['outputs', outputsTable(action)],
  ]) {
    const replaced = replaceRegion(out, name, content);
    if (replaced === undefined) throw new Error(`the ${name} markers are missing`);
    out = replaced;
  }
  return out;
}

/**
 * The workflow guide: the reusable workflow's tables and, given the root action.yml, the inputs and
 * outputs of the composite release action.
 */
export function renderWorkflowDoc(text, workflow, rootAction) {
  const regions = [['workflow', workflowTables(workflow)]];
  if (rootAction !== undefined) {
    regions.push(['release-inputs', inputsTable(rootAction)], ['release-outputs', outputsTable(rootAction)]);
  }
  let out = text;
  for (const [name, content] of regions) {
    const replaced = replaceRegion(out, name, content);
    if (replaced === undefined) throw new Error(`${start(name)} … ${end(name)} are missing`);
    out = replaced;
  }
  return out;
}

/** <name> folders holding both action.yml and README.md, sorted. */
export function actionFolders(root) {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules')
    .map((entry) => entry.name)
    .filter(
      (name) =>
        existsSync(path.join(root, name, 'action.yml')) && existsSync(path.join(root, name, 'README.md')),
    )
    .sort();
}

/** Every generated file: relative path → { current, generated } text. Nothing is written. */
export function generate(root) {
  const files = new Map();
  const add = (relative, render) => {
    const current = readFileSync(path.join(root, relative), 'utf8');
    try {
      files.set(relative, { current, generated: render(current) });
    } catch (error) {
      throw new Error(`${relative}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  for (const name of actionFolders(root)) {
    const action = parse(readFileSync(path.join(root, name, 'action.yml'), 'utf8')) ?? {};
    add(`${name}/README.md`, (text) => renderReadme(text, action));
  }
  if (existsSync(path.join(root, WORKFLOW_FILE)) && existsSync(path.join(root, WORKFLOW_DOC))) {
    const workflow = parse(readFileSync(path.join(root, WORKFLOW_FILE), 'utf8')) ?? {};
    const rootFile = path.join(root, 'action.yml');
    const rootAction = existsSync(rootFile) ? (parse(readFileSync(rootFile, 'utf8')) ?? {}) : undefined;
    add(WORKFLOW_DOC, (text) => renderWorkflowDoc(text, workflow, rootAction));
  }
  return files;
}

function main(argv) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const check = argv.includes('--check');
  const stale = [];
  for (const [relative, { current, generated }] of generate(root)) {
    if (current === generated) continue;
    stale.push(relative);
    if (!check) writeFileSync(path.join(root, relative), generated);
  }
  if (check && stale.length > 0) {
    console.error(`docs: out of date (run npm run docs): ${stale.join(', ')}`);
    process.exitCode = 1;
  } else {
    console.log(stale.length === 0 ? 'docs: up to date.' : `docs: updated ${stale.join(', ')}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`docs: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  }
}
