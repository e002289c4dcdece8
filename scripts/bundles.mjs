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

// Some modules cost milliseconds merely to load, and an action that stops at a missing input
// (what the cold-start bench runs) calls none of them:
//  - Node's crypto brings in the stream classes and some twenty internal modules (about a quarter
//    of `node -e 0`); child_process and zlib less, but still more than an action's own start-up;
//  - packageurl-js builds an Intl.Collator as it loads, which sets up ICU's collation data (half
//    of `node -e 0` on its own); our SBOM reader uses it only to split a purl into its parts.
// Their imports in our sources, and in @actions/core (which every action loads at start; its
// crypto only makes a delimiter for GITHUB_OUTPUT), get a stand-in that loads the real module on
// the first call: Node's module through the banner's require(), a bundled CommonJS package
// through esbuild's require, which runs the package only then. A stand-in forwards only the
// functions (or a class's static functions) listed here, so importing any other name fails the
// build ("No matching export", or "import-is-undefined" for a namespace import, made an error
// below) instead of being undefined at run time. A stand-in class cannot be constructed or used
// with instanceof, hence statics only. The callers keep their plain imports and synchronous APIs
// (readSbom, digests); the e2e tests run every bundle through these paths. Other dependencies
// that import these modules (the Actions cache, Sigstore) sit in chunks that load only when used,
// so they keep the real modules.
const LAZY_MODULES = {
  crypto: { from: 'node:crypto', functions: ['createHash', 'createPublicKey', 'randomUUID'] },
  child_process: { from: 'node:child_process', functions: ['spawn'] },
  zlib: { from: 'node:zlib', functions: ['gunzipSync', 'gzipSync'] },
  // fs/promises loads readline and the fs watchers with it (a tenth of `node -e 0`).
  'fs/promises': {
    from: 'node:fs/promises',
    functions: [
      'chmod',
      'cp',
      'mkdir',
      'mkdtemp',
      'open',
      'readFile',
      'realpath',
      'rename',
      'rm',
      'stat',
      'writeFile',
    ],
  },
  'packageurl-js': { from: 'packageurl-js', statics: { PackageURL: ['fromString'] } },
  // @actions/core destructures fs.promises as it loads (for its job summary), which loads
  // fs/promises and readline (a tenth of `node -e 0`); every other fs name passes through.
  fs: {
    from: 'node:fs',
    only: '@actions/core',
    passThrough: true,
    statics: { promises: ['access', 'appendFile', 'writeFile'] },
  },
};

/** The stand-in's source: each listed function calls the real one, loaded on the first call. */
function standIn({ from, functions = [], statics = {}, passThrough = false }) {
  const call = (target, f) => `(...args) => load()${target}.${f}(...args)`;
  return [
    // The module's other names, each read off the real module when used (see REQUIRED_BUILTINS).
    ...(passThrough ? [`export * from ${JSON.stringify(from)};`] : []),
    `let real;`,
    `const load = () => (real ??= require(${JSON.stringify(from)}));`,
    ...functions.map((f) => `export const ${f} = ${call('', f)};`),
    ...Object.entries(statics).map(
      ([cls, fs]) => `export const ${cls} = { ${fs.map((f) => `${f}: ${call(`.${cls}`, f)}`).join(', ')} };`,
    ),
  ].join('\n');
}

const lazyModules = {
  name: 'lazy-modules',
  setup(b) {
    const inDependency = (file, name = '') =>
      file.includes(
        `${path.sep}node_modules${path.sep}${name ? `${name.replace('/', path.sep)}${path.sep}` : ''}`,
      );
    const names = Object.keys(LAZY_MODULES).join('|');
    b.onResolve({ filter: new RegExp(`^(node:)?(${names})$`) }, (args) => {
      const name = args.path.replace(/^node:/, '');
      const { only } = LAZY_MODULES[name];
      const ours = !inDependency(args.importer) || inDependency(args.importer, '@actions/core');
      const wanted = only === undefined ? ours : inDependency(args.importer, only);
      if (args.kind !== 'import-statement' || !wanted) return undefined;
      return { path: name, namespace: 'lazy-module' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-module' }, (args) => ({
      contents: standIn(LAZY_MODULES[args.path]),
      // From here esbuild resolves a package's require() to its bundled copy.
      resolveDir: b.initialOptions.absWorkingDir,
      loader: 'js',
    }));
  },
};

// An ES import of a Node built-in makes Node fill the module's whole namespace, which runs every
// lazy getter of it: `import { readFileSync } from 'node:fs'` loads fs/promises, the stream
// classes and readline (about a sixth of `node -e 0`), where require('node:fs') loads none of
// them. So the built-ins an action imports at start are read through the banner's require(), as
// CommonJS: esbuild then reads each imported name off the module where it is used, and a getter
// such as fs.promises runs only if that code runs.
const REQUIRED_BUILTINS = ['fs', 'os', 'path', 'url', 'util'];

const builtinsThroughRequire = {
  name: 'builtins-through-require',
  setup(b) {
    const names = REQUIRED_BUILTINS.map((n) => n.replace('/', '\\/')).join('|');
    b.onResolve({ filter: new RegExp(`^(node:)?(${names})$`) }, (args) =>
      args.kind === 'import-statement'
        ? { path: args.path.replace(/^node:/, ''), namespace: 'builtin-require' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'builtin-require' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(`node:${args.path}`)});`,
      loader: 'js',
    }));
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
    // Bundled CommonJS dependencies (and the built-ins above) call require() for Node built-ins,
    // and only for them: esbuild has bundled everything else. process.getBuiltinModule (Node
    // 20.16, 22.3) serves them without node:module, whose ES import alone costs a fifteenth of
    // `node -e 0`; an older Node gets createRequire. A name that is not a built-in fails loudly.
    banner: {
      js: [
        'const require = process.getBuiltinModule',
        '  ? (id) => process.getBuiltinModule(id) ?? (() => { throw new Error(`not a Node built-in: ${id}`); })()',
        "  : (await import('node:module')).createRequire(import.meta.url);",
      ].join('\n'),
    },
    // `release-actions --version` (packages/cli/src/program.ts): the package's version, fixed at
    // build time so that the bundle needs no package.json beside it.
    define: { RELEASE_ACTIONS_VERSION: JSON.stringify(version) },
    alias: workspaceAliases(root),
    logOverride: { 'import-is-undefined': 'error' },
    plugins: [lazyModules, builtinsThroughRequire, noSideEffectsInDependencies],
  };
}
