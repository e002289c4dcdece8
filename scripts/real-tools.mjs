#!/usr/bin/env node
// Builds the real tools the real-tool tests run (npm run test:real), from their own Go modules, at
// the versions packages/tools/manifest.json pins: the five tools `setup` installs, the Sigstore
// services the tests run on loopback, and the Go programs under test/real/programs/. Each build goes
// to its own folder in a cache outside the repository and is reused while its recipe (module,
// version, flags, Go toolchain) is unchanged, so a manifest bump rebuilds just that tool.
//
//   node scripts/real-tools.mjs [--only name,name] [--print-bin]
//
// The cache is $RELEASE_ACTIONS_REAL_TOOLS, else $XDG_CACHE_HOME/release-actions/real-tools (else
// ~/.cache/…); its bin/ holds one link per tool, and is what the tests put on PATH.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'packages/tools/manifest.json'), 'utf8'));
const programsDir = path.join(root, 'test/real/programs');

function cacheRoot(env = process.env) {
  if (env.RELEASE_ACTIONS_REAL_TOOLS) return path.resolve(env.RELEASE_ACTIONS_REAL_TOOLS);
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'release-actions', 'real-tools');
}

function fill(template, version) {
  return template.replaceAll('{version}', version).replaceAll('{semver}', version.replace(/^v/, ''));
}

/** Every build this repository asks for: name, version, and how to build it. */
function recipes() {
  const fromModules = [
    ...Object.entries(manifest.tools).map(([name, entry]) => ({
      name,
      version: entry.default,
      go: entry.go,
    })),
    ...Object.entries(manifest.services).map(([name, entry]) => ({
      name,
      version: entry.version,
      go: entry,
    })),
  ].map(({ name, version, go }) => ({
    name,
    version,
    kind: 'module',
    target: `${go.module}/${go.package === '.' ? '' : go.package}`.replace(/\/$/, '') + `@${version}`,
    ldflags: go.ldflags.map((flag) => fill(flag, version)).join(' '),
    toolchain: go.toolchain ?? 'local',
    module: `${go.module}@${version}`,
    package: go.package === '.' ? '.' : `./${go.package}`,
    buildIn: go.buildIn,
  }));
  const programs = existsSync(programsDir)
    ? readdirSync(programsDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && existsSync(path.join(programsDir, entry.name, 'go.mod')))
        .map((entry) => {
          const dir = path.join(programsDir, entry.name);
          const hash = createHash('sha256');
          for (const file of readdirSync(dir).sort()) {
            if (/\.(go|mod|sum)$/.test(file)) hash.update(file).update(readFileSync(path.join(dir, file)));
          }
          return {
            name: entry.name,
            version: hash.digest('hex').slice(0, 16),
            kind: 'program',
            dir,
            ldflags: '',
            toolchain: 'local',
          };
        })
    : [];
  return [...fromModules, ...programs];
}

function goVersion(toolchain) {
  return execFileSync('go', ['env', 'GOVERSION'], {
    encoding: 'utf8',
    env: { ...process.env, GOTOOLCHAIN: toolchain },
  }).trim();
}

function stamp(recipe) {
  const { name, version, kind, target, ldflags, toolchain, buildIn } = recipe;
  return JSON.stringify({ name, version, kind, target, ldflags, toolchain, buildIn });
}

function build(recipe, cache) {
  const folder = path.join(cache, `${recipe.name}-${recipe.version}`);
  const binary = path.join(folder, recipe.name);
  const stampFile = path.join(folder, 'recipe.json');
  if (existsSync(binary) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp(recipe)) {
    return { binary, built: false, seconds: 0 };
  }
  const started = Date.now();
  const scratch = mkdtempSync(path.join(cache, `.build-${recipe.name}-`));
  const env = { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: recipe.toolchain, GOFLAGS: '-buildvcs=false' };
  const flags = ['-trimpath', ...(recipe.ldflags ? ['-ldflags', recipe.ldflags] : [])];
  process.stdout.write(
    `building ${recipe.name} ${recipe.kind === 'module' ? recipe.target : recipe.dir} …\n`,
  );
  try {
    if (recipe.kind === 'module' && recipe.buildIn === 'module') {
      // `go install m/pkg@v` first asks the proxy for m's version list (for deprecation notices); where
      // the proxy refuses that list but serves the version, the same package is built inside the
      // downloaded module instead: the module's own go.mod and go.sum, as go install would use them.
      const { Dir: dir } = JSON.parse(
        execFileSync('go', ['mod', 'download', '-json', recipe.module], { env, encoding: 'utf8' }),
      );
      execFileSync('go', ['build', ...flags, '-o', path.join(scratch, recipe.name), recipe.package], {
        cwd: dir,
        env,
        stdio: 'inherit',
      });
    } else if (recipe.kind === 'module') {
      execFileSync('go', ['install', ...flags, recipe.target], {
        env: { ...env, GOBIN: scratch },
        stdio: 'inherit',
      });
      // go install names the binary after the package folder (cmd/rekor-server/posix → posix).
      const [produced] = readdirSync(scratch);
      renameSync(path.join(scratch, produced), path.join(scratch, recipe.name));
    } else {
      execFileSync('go', ['build', ...flags, '-o', path.join(scratch, recipe.name), '.'], {
        cwd: recipe.dir,
        env,
        stdio: 'inherit',
      });
    }
    writeFileSync(path.join(scratch, 'recipe.json'), stamp(recipe));
    // mkdtemp makes the folder private; the tools are for every user of the machine.
    chmodSync(scratch, 0o755);
    rmSync(folder, { recursive: true, force: true });
    renameSync(scratch, folder);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { binary, built: true, seconds: (Date.now() - started) / 1000 };
}

function main() {
  const { values } = parseArgs({
    options: { only: { type: 'string' }, 'print-bin': { type: 'boolean' } },
  });
  const cache = cacheRoot();
  const bin = path.join(cache, 'bin');
  if (values['print-bin']) {
    process.stdout.write(`${bin}\n`);
    return;
  }
  const only = values.only ? new Set(values.only.split(',')) : undefined;
  const all = recipes();
  if (only) {
    const unknown = [...only].filter((name) => !all.some((recipe) => recipe.name === name));
    if (unknown.length > 0) {
      throw new Error(`--only: unknown ${unknown.join(', ')}; known: ${all.map((r) => r.name).join(', ')}`);
    }
  }
  mkdirSync(bin, { recursive: true });
  const started = Date.now();
  for (const recipe of all.filter((r) => !only || only.has(r.name))) {
    const result = build(recipe, cache);
    const link = path.join(bin, recipe.name);
    rmSync(link, { force: true });
    symlinkSync(result.binary, link);
    const label = `${recipe.name} ${recipe.kind === 'module' ? recipe.version : `(program ${recipe.version})`}`;
    const how = result.built
      ? `built in ${result.seconds.toFixed(0)} s with ${goVersion(recipe.toolchain)}`
      : 'cached';
    process.stdout.write(`${label.padEnd(44)} ${how}\n`);
  }
  process.stdout.write(`real tools in ${bin} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`real-tools: ${error.message}\n`);
  process.exitCode = 1;
}
