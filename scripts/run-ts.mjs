// Runs a TypeScript maintainer script (benchmarks, manifest updates) without a compile step:
// esbuild bundles it to a temporary ES module, which is then imported with the remaining argv.
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs <file.ts> [args...]');
  process.exit(2);
}
// Inside the repository, so that the external dependencies resolve from node_modules.
mkdirSync('node_modules/.cache', { recursive: true });
const dir = mkdtempSync(path.resolve('node_modules/.cache/run-ts-'));
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
const outfile = path.join(dir, 'main.mjs');
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Our workspace packages are bundled from source; third-party ones load from node_modules.
  external: external.flatMap((name) => [name, `${name}/*`]),
  logLevel: 'warning',
});
process.argv = [process.argv[0], path.resolve(entry), ...rest];
try {
  await import(pathToFileURL(outfile).href);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
