// One hash over everything `npm run build` makes the bundles from. The build records it in
// dist/SOURCES.sha256; the e2e tests recompute it, so that they never run bundles built from other
// sources. Paths are relative, '/'-separated and sorted by code point: the same tree gives the same
// hash on every machine.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const SOURCES_FILE = 'dist/SOURCES.sha256';
export const STALE_DIST = 'dist/ is stale for the current sources; run npm run build';

// Beside the source folders: the lock file stands for node_modules; the workspace package.json files
// and tsconfig.json are read by esbuild (type, sideEffects, compiler options); the root package.json
// gives the version the bundles carry; the tool manifest is the one file outside a src/ folder that a
// bundle imports; the scripts shape dist/ themselves.
const FILES = [
  'package-lock.json',
  'package.json',
  'tsconfig.json',
  'packages/tools/manifest.json',
  'scripts/build.mjs',
  'scripts/bundles.mjs',
  'scripts/licenses.mjs',
  'scripts/sources-hash.mjs',
];
const WORKSPACES = ['packages', 'actions'];

const byCodePoint = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

function filesUnder(root, dir) {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return filesUnder(root, relative);
    return entry.isFile() ? [relative] : [];
  });
}

/** The build's inputs: relative, '/'-separated paths, sorted. */
export function buildInputs(root) {
  const found = FILES.filter((file) => existsSync(path.join(root, file)));
  for (const workspace of WORKSPACES) {
    if (!existsSync(path.join(root, workspace))) continue;
    for (const entry of readdirSync(path.join(root, workspace), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const folder = `${workspace}/${entry.name}`;
      if (existsSync(path.join(root, folder, 'package.json'))) found.push(`${folder}/package.json`);
      if (existsSync(path.join(root, folder, 'src'))) found.push(...filesUnder(root, `${folder}/src`));
    }
  }
  return found.sort(byCodePoint);
}

/** sha256 over "path NUL sha256(content) LF" for every input, in order; hex. */
export function sourcesHash(root) {
  const hash = createHash('sha256');
  for (const file of buildInputs(root)) {
    const content = createHash('sha256')
      .update(readFileSync(path.join(root, file)))
      .digest('hex');
    hash.update(`${file}\0${content}\n`);
  }
  return hash.digest('hex');
}

/** The one line dist/SOURCES.sha256 holds. */
export function sourcesLine(root) {
  return `${sourcesHash(root)}\n`;
}

/** Whether dist/ was built by a full `npm run build` from the sources as they are now. */
export function distIsCurrent(root) {
  const file = path.join(root, SOURCES_FILE);
  return existsSync(file) && readFileSync(file, 'utf8') === sourcesLine(root);
}
