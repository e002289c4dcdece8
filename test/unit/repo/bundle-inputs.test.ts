import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Metafile } from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  LICENSES_FILE,
  WITHOUT_LICENSE_FILE,
  bundledPackageFolders,
  licenseFileNames,
  noticeText,
  packageHeading,
  renderLicenses,
} from '../../../scripts/licenses.mjs';
import { buildInputs } from '../../../scripts/sources-hash.mjs';
import { bundleMetafiles } from '../../harness/rebuild.js';
import { repoRoot } from '../../harness/run-bundle.js';

/**
 * Every bundle ships the license notice of each third-party package in it. What is in a bundle is
 * asked of esbuild: each bundle is rebuilt in memory with the options of `npm run build`, and each
 * package its metafile names is looked up in the committed dist/<name>/LICENSES.txt, with the text
 * of every license file the package ships in node_modules. A rebuild rather than a list committed
 * beside the bundle: such a list would only repeat what the build wrote, while the rebuild also
 * sees a dependency added since the last build.
 */

const RULE = '='.repeat(80);

/** The part of LICENSES.txt under one package's heading, up to the next package. */
function sectionOf(licenses: string, heading: string): string | undefined {
  const start = licenses.indexOf(`${RULE}\n${heading}\nLicense: `);
  if (start < 0) return undefined;
  const end = licenses.indexOf(`\n${RULE}\n`, start + RULE.length);
  return licenses.slice(start, end < 0 ? undefined : end);
}

/** What is wrong with LICENSES.txt for these package folders (relative to root); [] when nothing. */
function missingNotices(root: string, licenses: string, folders: string[]): string[] {
  return folders.flatMap((folder) => {
    const { name, version } = JSON.parse(readFileSync(path.join(root, folder, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
    };
    const heading = packageHeading(name, version);
    const files = licenseFileNames(path.join(root, folder));
    const problems: string[] = [];
    if (files.length === 0 && !(name in WITHOUT_LICENSE_FILE)) {
      problems.push(
        `${heading}: ships no license file and is not in WITHOUT_LICENSE_FILE (scripts/licenses.mjs)`,
      );
    }
    const section = sectionOf(licenses, heading);
    if (section === undefined) return [...problems, `${heading}: not in ${LICENSES_FILE}`];
    for (const file of files) {
      if (!section.includes(noticeText(path.join(root, folder, file)))) {
        problems.push(`${heading}: the text of ${file} is not in ${LICENSES_FILE}`);
      }
    }
    return problems;
  });
}

describe('the files of every bundle', () => {
  let metafiles: Map<string, Metafile>;

  // Ten bundles rebuilt in memory: about 12 s on an idle machine, several times that beside the
  // e2e suites on 2 cores.
  beforeAll(async () => {
    metafiles = await bundleMetafiles();
  }, 400_000);

  it('carry the heavy parts of the runner toolkit only where an action uses them', () => {
    // @actions/cache (~1 MB) and @actions/glob are kit's separate entry points, imported by the
    // scan and publish actions alone; through kit's index they would land in every bundle.
    const carrying = (pkg: string) =>
      [...metafiles]
        .filter(([, metafile]) =>
          Object.keys(metafile.inputs).some((file) => file.includes(`node_modules/${pkg}/`)),
        )
        .map(([name]) => name)
        .sort();
    expect(carrying('@actions/cache')).toEqual(['scan']);
    // @actions/cache matches its paths with @actions/glob, so scan carries that too; attest,
    // publish and sign take file patterns (loaded only when a line is one).
    expect(carrying('@actions/glob')).toEqual(['attest', 'publish', 'scan', 'sign']);
  });

  /** The outputs Node loads when the bundle starts: index.js and the chunks it imports statically. */
  function loadedAtStart(name: string): Metafile['outputs'][string][] {
    const { outputs } = metafiles.get(name)!;
    const entry = Object.keys(outputs).find((file) => file.endsWith(`/${name}/index.js`))!;
    const seen = new Set<string>();
    const next = [entry];
    while (next.length > 0) {
      const file = next.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const i of outputs[file]!.imports)
        if (i.kind === 'import-statement' && !i.external) next.push(i.path);
    }
    return [...seen].map((file) => outputs[file]!);
  }
  const actionBundles = () => [...metafiles.keys()].filter((name) => name !== 'cli').sort();

  it('leave yaml and the expression parser out of what an action loads at start', () => {
    // audit, chart and sbom read YAML only once they have a file; yaml is ~110 kB to compile and run.
    // The audit's checks alone parse GitHub expressions (@actions/expressions), once there is a file.
    const carrying = actionBundles().filter((name) =>
      loadedAtStart(name).some((output) =>
        Object.keys(output.inputs).some((file) => /node_modules\/(yaml|@actions\/expressions)\//.test(file)),
      ),
    );
    expect(actionBundles()).toEqual(expect.arrayContaining(['audit', 'chart', 'sbom']));
    expect(carrying).toEqual([]);
  });

  it('import no costly Node module at start (crypto, child_process, zlib, fs/promises load on first call)', () => {
    const costly = /^(node:)?(crypto|child_process|zlib|fs\/promises)$/;
    const imported = actionBundles().flatMap((name) =>
      loadedAtStart(name).flatMap((output) =>
        output.imports
          .filter((i) => i.external && i.kind === 'import-statement' && costly.test(i.path))
          .map((i) => `${name}: ${i.path}`),
      ),
    );
    expect(imported).toEqual([]);
  });

  it('import no Node built-in as an ES module at start (require() skips its lazy getters)', () => {
    const imported = actionBundles().flatMap((name) =>
      loadedAtStart(name).flatMap((output) =>
        output.imports
          .filter((i) => i.external && i.kind === 'import-statement')
          .map((i) => `${name}: ${i.path}`),
      ),
    );
    expect(imported).toEqual([]);
  });

  it('read their inputs before loading the machinery: scan, verify, sbom and attest', () => {
    // Each action's package proper (grype's runner, the verifier, syft's runner, cosign's) loads
    // once the inputs are read, so a bad input fails without it.
    const heavy: Record<string, string> = {
      scan: 'packages/vuln/src/gate.ts',
      verify: 'packages/verify/src/verify.ts',
      sbom: 'packages/sbom/src/create.ts',
      attest: 'packages/cosign/src/attest.ts',
    };
    const atStart = Object.entries(heavy).filter(([name, file]) =>
      loadedAtStart(name).some((output) => file in output.inputs),
    );
    const bundled = Object.entries(heavy).filter(([name, file]) => file in metafiles.get(name)!.inputs);
    expect(bundled).toHaveLength(4);
    expect(atStart).toEqual([]);
  });

  it('reach packageurl-js from our sources only through its stand-in, which runs it on first use', () => {
    // Loading packageurl-js builds an Intl.Collator (ICU set-up, half of `node -e 0`).
    const direct = [...metafiles.values()].flatMap((metafile) =>
      Object.entries(metafile.inputs)
        .filter(([file]) => !file.includes('node_modules/'))
        .flatMap(([file, input]) =>
          input.imports
            .filter((i) => i.path.includes('node_modules/packageurl-js/') && i.kind === 'import-statement')
            .map(() => file),
        ),
    );
    const viaStandIn = [...metafiles]
      .filter(([, metafile]) => 'lazy-module:packageurl-js' in metafile.inputs)
      .map(([name]) => name);
    expect(viaStandIn).toEqual(expect.arrayContaining(['attest', 'sbom', 'scan']));
    expect(direct).toEqual([]);
  });

  it('carry no character-set converters (iconv-lite, encoding) in any action', () => {
    // node-fetch's optional text decoding; nothing an action runs calls it.
    const carrying = (pkg: string) =>
      actionBundles().filter((name) =>
        Object.keys(metafiles.get(name)!.inputs).some((file) => file.includes(`node_modules/${pkg}/`)),
      );
    expect(carrying('iconv-lite')).toEqual([]);
    expect(carrying('encoding')).toEqual([]);
  });

  it('were built from files the sources hash covers (other than node_modules)', () => {
    const inputs = new Set(buildInputs(repoRoot));
    const read = [...metafiles.values()].flatMap((metafile) => Object.keys(metafile.inputs));
    // lazy-module:<name> and builtin-require:<name> are modules scripts/bundles.mjs writes, not files.
    const uncovered = [...new Set(read)].filter(
      (file) =>
        !file.includes('node_modules/') && !/^(lazy-module|builtin-require):/.test(file) && !inputs.has(file),
    );
    expect(read.length).toBeGreaterThan(0);
    expect(uncovered).toEqual([]);
  });

  it('holds the notice of each package esbuild puts into the bundle', () => {
    expect(metafiles.size).toBeGreaterThan(0);
    const problems = [...metafiles].flatMap(([name, metafile]) => {
      const licenses = readFileSync(path.join(repoRoot, 'dist', name, LICENSES_FILE), 'utf8');
      return missingNotices(repoRoot, licenses, bundledPackageFolders(metafile)).map(
        (problem) => `dist/${name}: ${problem}`,
      );
    });
    expect(problems).toEqual([]);
  });

  it('allows a missing license file only for a bundled package that really ships none', () => {
    const folders = new Set([...metafiles.values()].flatMap((metafile) => bundledPackageFolders(metafile)));
    const bundled = new Map(
      [...folders].map((folder) => [
        (JSON.parse(readFileSync(path.join(repoRoot, folder, 'package.json'), 'utf8')) as { name: string })
          .name,
        folder,
      ]),
    );
    for (const name of Object.keys(WITHOUT_LICENSE_FILE)) {
      expect({ name, bundled: bundled.has(name) }).toEqual({ name, bundled: true });
      expect({ name, files: licenseFileNames(path.join(repoRoot, bundled.get(name)!)) }).toEqual({
        name,
        files: [],
      });
    }
  });
});

describe('the license check', () => {
  let root: string;

  function writePackage(name: string, files: Record<string, string>): string {
    const folder = `node_modules/${name}`;
    mkdirSync(path.join(root, folder), { recursive: true });
    writeFileSync(
      path.join(root, folder, 'package.json'),
      JSON.stringify({ name, version: '1.0.0', license: 'MIT' }),
    );
    for (const [file, text] of Object.entries(files)) writeFileSync(path.join(root, folder, file), text);
    return folder;
  }

  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'licenses-'));
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('passes a LICENSES.txt that carries every package with all its license files', () => {
    const folders = [
      writePackage('alpha', { LICENSE: 'Copyright alpha\r\n', NOTICE: 'alpha notice' }),
      writePackage('@scope/beta', { 'license.md': 'Copyright beta' }),
    ];
    expect(missingNotices(root, renderLicenses(root, folders, 'probe'), folders)).toEqual([]);
  });

  it('names a package left out, a license text left out, and a package without a license file', () => {
    const alpha = writePackage('alpha', { LICENSE: 'Copyright alpha', NOTICE: 'alpha notice' });
    const gamma = writePackage('gamma', { LICENSE: 'Copyright gamma' });
    const bare = writePackage('bare', { 'README.md': 'MIT' });
    const licenses = renderLicenses(root, [alpha], 'probe').replace('alpha notice', '');
    expect(missingNotices(root, licenses, [alpha, gamma, bare])).toEqual([
      'alpha 1.0.0: the text of NOTICE is not in LICENSES.txt',
      'gamma 1.0.0: not in LICENSES.txt',
      'bare 1.0.0: ships no license file and is not in WITHOUT_LICENSE_FILE (scripts/licenses.mjs)',
      'bare 1.0.0: not in LICENSES.txt',
    ]);
  });

  it("looks for a package's text under its own heading, not under another's", () => {
    const first = writePackage('first', { LICENSE: 'The same words' });
    const second = writePackage('second', { LICENSE: 'The same words' });
    const licenses = renderLicenses(root, [first, second], 'probe');
    const cut = licenses.replace(/(second 1\.0\.0[\s\S]*?)The same words/, '$1');
    expect(missingNotices(root, cut, [first, second])).toEqual([
      'second 1.0.0: the text of LICENSE is not in LICENSES.txt',
    ]);
  });

  it('finds the packages of a metafile by the last node_modules in a path, only with bytes in the output', () => {
    const metafile = {
      inputs: {},
      outputs: {
        'dist/x/index.js': {
          bytes: 1,
          imports: [],
          exports: [],
          inputs: {
            'packages/kit/src/index.ts': { bytesInOutput: 10 },
            'node_modules/@actions/core/lib/core.js': { bytesInOutput: 10 },
            'node_modules/@actions/glob/node_modules/minimatch/dist/index.js': { bytesInOutput: 10 },
            'node_modules/tree-shaken/index.js': { bytesInOutput: 0 },
          },
        },
      },
    } as unknown as Metafile;
    expect(bundledPackageFolders(metafile)).toEqual([
      'node_modules/@actions/core',
      'node_modules/@actions/glob/node_modules/minimatch',
    ]);
  });
});
