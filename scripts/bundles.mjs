// What `npm run build` bundles and how: one entry per action and the CLI, and the esbuild options
// they share. The license test rebuilds with the same options to learn what went into each bundle.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Every bundle: actions/<name>/src/main.ts, and packages/cli/src/main.ts as "cli"; by name. */
export function entries(root) {
  const actions = path.join(root, 'actions');
  // A fresh clone has no actions/ until the first action is committed (git keeps no empty folders).
  const found = (existsSync(actions) ? readdirSync(actions, { withFileTypes: true }) : [])
    .filter((d) => d.isDirectory() && existsSync(path.join(actions, d.name, 'src', 'main.ts')))
    .map((d) => ({ name: d.name, entry: path.join('actions', d.name, 'src', 'main.ts') }));
  if (existsSync(path.join(root, 'packages/cli/src/main.ts')))
    found.push({ name: 'cli', entry: 'packages/cli/src/main.ts' });
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

/**
 * Our workspace packages resolve to their sources, whether or not npm has linked them yet. A
 * package's extra entry points (package.json "exports" besides ".", e.g. kit's "./glob") keep
 * modules out of the bundles that do not import them.
 */
function workspaceAliases(root) {
  return Object.fromEntries(
    readdirSync(path.join(root, 'packages'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(path.join(root, 'packages', d.name, 'src', 'index.ts')))
      .flatMap((d) => {
        const { exports } = JSON.parse(
          readFileSync(path.join(root, 'packages', d.name, 'package.json'), 'utf8'),
        );
        const entries = typeof exports === 'string' ? { '.': exports } : exports;
        return Object.entries(entries).map(([subpath, file]) => [
          `@release-actions/${d.name}${subpath.slice(1)}`,
          `./${path.posix.join('packages', d.name, file)}`,
        ]);
      }),
  );
}

/** esbuild's options for the bundle of one entry, written to outdir (relative to root). */
export function bundleOptions(root, entry, outdir) {
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  return {
    absWorkingDir: root,
    entryPoints: { index: entry },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunks/[name]-[hash]',
    minify: true,
    // Maps give stack traces (node --enable-source-maps) the repository's file and line. Their
    // paths are relative (../../packages/…, ../../node_modules/…), the same on every machine; the
    // sources themselves stay out: ours are in the checkout beside dist/, and with them the maps
    // would be four times the size of the bundles. Node reads a map only with
    // --enable-source-maps, so start-up does not pay for them.
    sourcemap: 'linked',
    sourcesContent: false,
    // The /*! */ comments esbuild would keep are the packages' own license headers; LICENSES.txt
    // carries each bundled package's license files in full (packageurl-js's header, the only one
    // today, is its LICENSE word for word), so a second, partial copy is left out.
    legalComments: 'none',
    metafile: true,
    charset: 'utf8',
    logLevel: 'warning',
    // Bundled CommonJS dependencies still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    // `release-actions --version` (packages/cli/src/program.ts): the package's version, fixed at
    // build time so that the bundle needs no package.json beside it.
    define: { RELEASE_ACTIONS_VERSION: JSON.stringify(version) },
    alias: workspaceAliases(root),
    plugins: [noSideEffectsInDependencies],
  };
}
