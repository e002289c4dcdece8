// Bundles every action (actions/<name>/src/main.ts → dist/<name>/index.js) and the CLI
// (packages/cli/src/main.ts → dist/cli/index.js), each with linked source maps and a LICENSES.txt
// of the packages in it. Output is reproducible byte for byte: no timestamps, no absolute paths,
// content-hashed chunk names.
//
//   npm run build             every bundle, and dist/SOURCES.sha256 (the hash of the build's inputs
//                             that the e2e tests check dist/ against)
//   npm run build -- scan     only the named bundles; dist/SOURCES.sha256 is left as it was, since
//                             the other bundles may not match the sources it would vouch for
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleOptions, entries } from './bundles.mjs';
import { LICENSES_FILE, licensesOf } from './licenses.mjs';
import { distIsCurrent, SOURCES_FILE, sourcesLine } from './sources-hash.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

// A checkout without its dependencies gets one line, not a resolver stack trace. Its committed
// dist/ is what a build would make when dist/SOURCES.sha256 matches the sources: then there is
// nothing to do. Otherwise the build is needed and cannot run.
const { build } = await import('esbuild').catch((error) => {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  if (process.argv.length === 2 && distIsCurrent(root)) {
    console.log('build: dist/ is already built from these sources; run `npm ci` to rebuild it yourself.');
    process.exit(0);
  }
  console.error('build: esbuild is not installed; run `npm ci` first (it installs the pinned esbuild).');
  process.exit(1);
});

/**
 * dist/cli/package.json: the CLI's folder as a package of its own, for the git form
 * (`npx 'github:aotanami/release-actions#<sha>::path:dist/cli'`). npm prepares a git dependency
 * whose package.json has workspaces, as the root one has, by installing all its development tools
 * from the registry first; this one has nothing to install, so the committed bundle is all it takes.
 */
function cliManifest() {
  const { name, version, description, license, repository, engines } = JSON.parse(
    readFileSync('package.json', 'utf8'),
  );
  const manifest = {
    name,
    version,
    description,
    license,
    type: 'module',
    repository,
    bin: { 'release-actions': 'index.js' },
    files: ['index.js', 'chunks/*.js', LICENSES_FILE],
    engines,
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

async function bundle({ name, entry }) {
  const outdir = path.join('dist', name);
  rmSync(outdir, { recursive: true, force: true });
  const { metafile } = await build(bundleOptions(root, entry, outdir));
  writeFileSync(path.join(outdir, LICENSES_FILE), licensesOf(root, metafile, name));
  // The CLI is package.json's "bin"; the runner does not need the bit, a shell user does.
  if (name === 'cli') {
    chmodSync(path.join(outdir, 'index.js'), 0o755);
    writeFileSync(path.join(outdir, 'package.json'), cliManifest());
  }
}

const wanted = process.argv.slice(2);
// Hashed before bundling: a source saved during the build then leaves dist/ marked stale.
const sources = sourcesLine(root);
const all = entries(root);
const unknown = wanted.filter((w) => !all.some((e) => e.name === w));
if (unknown.length > 0) {
  console.error(`build: unknown bundle ${unknown.join(', ')}; known: ${all.map((e) => e.name).join(', ')}`);
  process.exit(2);
}
for (const e of all.filter((e) => wanted.length === 0 || wanted.includes(e.name))) await bundle(e);
if (wanted.length === 0) {
  // A bundle whose source folder is gone must not linger in dist/.
  const names = new Set(all.map((e) => e.name));
  for (const d of existsSync('dist') ? readdirSync('dist', { withFileTypes: true }) : []) {
    if (d.isDirectory() && !names.has(d.name))
      rmSync(path.join('dist', d.name), { recursive: true, force: true });
  }
  mkdirSync('dist', { recursive: true });
  writeFileSync(SOURCES_FILE, sources);
} else {
  console.log(`build: ${SOURCES_FILE} left as it was (only a full build records the sources).`);
}
