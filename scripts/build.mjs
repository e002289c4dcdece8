// Bundles every action (actions/<name>/src/main.ts → dist/<name>/index.js) and the CLI
// (packages/cli/src/main.ts → dist/cli/index.js). Output is reproducible byte for byte:
// no timestamps, no absolute paths, content-hashed chunk names.
//
//   npm run build             every bundle
//   npm run build -- scan     only the named bundles
import { chmodSync, existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

// A checkout without its dependencies gets one line saying what to run, not a resolver stack trace.
const { build } = await import('esbuild').catch((error) => {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  console.error('build: esbuild is not installed; run `npm ci` first (it installs the pinned esbuild).');
  process.exit(1);
});

export function entries() {
  // A fresh clone has no actions/ until the first action is committed (git keeps no empty folders).
  const found = (existsSync('actions') ? readdirSync('actions', { withFileTypes: true }) : [])
    .filter((d) => d.isDirectory() && existsSync(path.join('actions', d.name, 'src', 'main.ts')))
    .map((d) => ({ name: d.name, entry: path.join('actions', d.name, 'src', 'main.ts') }));
  if (existsSync('packages/cli/src/main.ts')) found.push({ name: 'cli', entry: 'packages/cli/src/main.ts' });
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

// Packages under node_modules are treated as free of import-time side effects so that esbuild
// drops what an action does not call (e.g. @actions/core's OIDC client and undici). The e2e
// tests run every bundle, so a module that really needed its side effects would show there.
const noSideEffectsInDependencies = {
  name: 'no-side-effects-in-dependencies',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.again || args.kind === 'entry-point') return undefined;
      const result = await b.resolve(args.path, {
        resolveDir: args.resolveDir,
        kind: args.kind,
        importer: args.importer,
        pluginData: { again: true },
      });
      if (result.errors.length > 0) return { errors: result.errors };
      if (!result.path.includes(`${path.sep}node_modules${path.sep}`)) return result;
      return { ...result, sideEffects: false };
    });
  },
};

// Our workspace packages resolve to their sources, whether or not npm has linked them yet.
const alias = Object.fromEntries(
  readdirSync('packages', { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join('packages', d.name, 'src', 'index.ts')))
    .map((d) => [`@release-actions/${d.name}`, `./packages/${d.name}/src/index.ts`]),
);

async function bundle({ name, entry }) {
  const outdir = path.join('dist', name);
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: { index: entry },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunks/[name]-[hash]',
    minify: true,
    legalComments: 'linked',
    charset: 'utf8',
    logLevel: 'warning',
    // Bundled CommonJS dependencies still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    alias,
    plugins: [noSideEffectsInDependencies],
  });
  // The CLI is package.json's "bin"; the runner does not need the bit, a shell user does.
  if (name === 'cli') chmodSync(path.join(outdir, 'index.js'), 0o755);
}

const wanted = process.argv.slice(2);
const all = entries();
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
}
