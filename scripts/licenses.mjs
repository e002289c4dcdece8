// dist/<name>/LICENSES.txt: the notice of every third-party package that esbuild put into the
// bundle (the metafile's outputs, only inputs that left bytes in them), with the text of each of its
// license files. Sorted, with normalised line ends, so that the file is as reproducible as the bundle.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const LICENSES_FILE = 'LICENSES.txt';

/** LICENSE, LICENCE, COPYING, NOTICE, with or without a suffix (LICENSE.md, LICENSE-MIT, …). */
const LICENSE_NAME = /^(licen[cs]e|copying|notice)([-._].*)?$/i;

/**
 * Packages that ship no license file, each with where its terms are stated instead and, where the
 * same upstream repository publishes its license file in another package, that package, whose
 * files LICENSES.txt then carries for it. bundle-inputs.test.ts fails for a bundled package that ships
 * no license file and is not listed here, and for an entry here that is no longer needed.
 */
export const WITHOUT_LICENSE_FILE = {
  '@nodable/entities': {
    note: 'MIT per its package.json and README; upstream (github.com/nodable/val-parsers) publishes no license text or copyright line with it',
  },
  '@sigstore/verify': {
    note: 'Apache-2.0 per its package.json; published from github.com/sigstore/sigstore-js, whose LICENSE @sigstore/core ships',
    filesOf: '@sigstore/core',
  },
};

const byCodePoint = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** `node_modules/@scope/name` or `…/node_modules/name` for a path inside a package; else undefined. */
export function packageFolder(file) {
  const posix = file.split(path.sep).join('/');
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(posix);
  return match?.[1];
}

/** The package folders (relative to the build's working folder) with code in the bundle, sorted. */
export function bundledPackageFolders(metafile) {
  const folders = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const folder = bytesInOutput > 0 ? packageFolder(input) : undefined;
      if (folder) folders.add(folder);
    }
  }
  return [...folders].sort(byCodePoint);
}

export function licenseFileNames(folder) {
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isFile() && LICENSE_NAME.test(entry.name))
    .map((entry) => entry.name)
    .sort(byCodePoint);
}

/** A license file's text as LICENSES.txt holds it: LF line ends, no trailing blanks. */
export function noticeText(file) {
  return readFileSync(file, 'utf8')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .trim();
}

/** The SPDX expression of a package.json: "license", or the old "licenses" array. */
function declaredLicense(manifest) {
  const { license, licenses } = manifest;
  if (typeof license === 'string') return license;
  if (license?.type) return license.type;
  if (Array.isArray(licenses)) return licenses.map((l) => l.type ?? l).join(' OR ');
  return 'not declared';
}

function filesWithTexts(root, folder, label = (file) => file) {
  return licenseFileNames(path.join(root, folder)).map(
    (file) => `--- ${label(file)}\n\n${noticeText(path.join(root, folder, file))}`,
  );
}

/** The license files of a package, or what the allow-list says in place of them. */
function noticesOf(root, folder, name) {
  const own = filesWithTexts(root, folder);
  if (own.length > 0) return own;
  const instead = WITHOUT_LICENSE_FILE[name];
  if (!instead) return ['--- no license file in the package, and none allowed for it'];
  const borrowed = instead.filesOf
    ? filesWithTexts(root, `node_modules/${instead.filesOf}`, (file) => `${file} of ${instead.filesOf}`)
    : [];
  return [`--- no license file in the package: ${instead.note}`, ...borrowed];
}

/** The heading of one package in LICENSES.txt; the license test looks for it too. */
export function packageHeading(name, version) {
  return `${name} ${version}`;
}

const RULE = '='.repeat(80);

/** LICENSES.txt for the given package folders (relative to root). */
export function renderLicenses(root, folders, bundleName) {
  const packages = new Map();
  for (const folder of folders) {
    const manifest = JSON.parse(readFileSync(path.join(root, folder, 'package.json'), 'utf8'));
    const key = packageHeading(manifest.name, manifest.version);
    // The same release installed twice (nested node_modules) is the same notice.
    if (!packages.has(key)) packages.set(key, { folder, manifest });
  }
  const sections = [...packages.keys()].sort(byCodePoint).map((key) => {
    const { folder, manifest } = packages.get(key);
    const texts = noticesOf(root, folder, manifest.name);
    return [RULE, key, `License: ${declaredLicense(manifest)}`, '', texts.join('\n\n')].join('\n');
  });
  const intro =
    `Third-party software in dist/${bundleName}/: every package with code in this bundle, ` +
    `its declared license and the license files it ships.`;
  return `${[intro, ...sections].join('\n\n')}\n`;
}

/** LICENSES.txt for one bundle from esbuild's metafile; root is the build's working folder. */
export function licensesOf(root, metafile, bundleName) {
  return renderLicenses(root, bundledPackageFolders(metafile), bundleName);
}
