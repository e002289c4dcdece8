/**
 * npm run tools:update -- <tool> <version> [--base-url URL] [--manifest FILE] [--no-default] [--force]
 *
 * Reads the release's own checksums for every platform the manifest knows and writes them into
 * packages/tools/manifest.json as <tool> <version> (the new default unless --no-default). A
 * checksum that differs from one already pinned for the same version and file is refused unless
 * --force: a published checksum that changes is a reason to stop and look, not to update.
 * --base-url replaces https://github.com and https://get.helm.sh (a mirror, or the tests' server).
 * Record where the values came from in packages/tools/SOURCES.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  applyMirror,
  fillTemplate,
  normalizeVersion,
  type Manifest,
  type PinnedAsset,
  type ToolEntry,
} from '../src/manifest.js';

class UpdateError extends Error {}

async function fetchText(url: string): Promise<string | undefined> {
  let response: Response;
  try {
    response = await fetch(url, {
      signal: AbortSignal.timeout(30_000),
      headers: { 'user-agent': 'release-actions' },
    });
  } catch (error) {
    throw new UpdateError(
      `could not fetch ${url}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (response.status === 404) return undefined;
  if (!response.ok) throw new UpdateError(`${url} answered HTTP ${response.status}`);
  return response.text();
}

/** `<sha256>  <file>` lines (sha256sum format; a `*` before the name marks binary mode). */
export function parseChecksums(text: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^([0-9a-fA-F]{64})\s+\*?(\S+)\s*$/.exec(line.trim());
    if (match) result.set(match[2]!, match[1]!.toLowerCase());
  }
  return result;
}

function upstreamUrl(entry: ToolEntry, version: string, file: string): string {
  return fillTemplate(entry.url, version).replace('{file}', file);
}

async function readChecksums(
  tool: string,
  entry: ToolEntry,
  version: string,
  baseUrl: string | undefined,
): Promise<{ assets: Record<string, PinnedAsset>; missing: string[]; source: string }> {
  const assets: Record<string, PinnedAsset> = {};
  const missing: string[] = [];
  const source = entry.checksums;
  if (source.kind === 'none') {
    throw new UpdateError(
      `${tool} releases publish no checksums file. ${source.note} Copy the values from there (and check each binary's .intoto.jsonl provenance) by hand; the manifest was not changed.`,
    );
  }
  if (source.kind === 'file') {
    const url = applyMirror(upstreamUrl(entry, version, fillTemplate(source.file, version)), baseUrl);
    const text = await fetchText(url);
    if (text === undefined)
      throw new UpdateError(
        `${url} was not found (HTTP 404); is ${version} a release of ${entry.repository}?`,
      );
    const sums = parseChecksums(text);
    for (const [platform, template] of Object.entries(entry.platforms)) {
      const file = fillTemplate(template.file, version);
      const sha256 = sums.get(file);
      if (sha256 === undefined) missing.push(platform);
      else assets[platform] = { file, url: upstreamUrl(entry, version, file), sha256 };
    }
    return { assets, missing, source: url };
  }
  for (const [platform, template] of Object.entries(entry.platforms)) {
    const file = fillTemplate(template.file, version);
    const url = applyMirror(upstreamUrl(entry, version, file), baseUrl) + source.suffix;
    const text = await fetchText(url);
    const sums = text === undefined ? new Map<string, string>() : parseChecksums(text);
    // A bare hash (helm's .sha256) names no file; the .sha256sum form must name this one.
    const bare = text
      ?.trim()
      .match(/^[0-9a-fA-F]{64}$/)?.[0]
      ?.toLowerCase();
    const sha256 = sums.get(file) ?? bare;
    if (sha256 === undefined) missing.push(platform);
    else assets[platform] = { file, url: upstreamUrl(entry, version, file), sha256 };
  }
  return {
    assets,
    missing,
    source: applyMirror(upstreamUrl(entry, version, `<file>${source.suffix}`), baseUrl),
  };
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'base-url': { type: 'string' },
      manifest: { type: 'string' },
      'no-default': { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
    },
  });
  const [tool, rawVersion] = positionals;
  if (!tool || !rawVersion || positionals.length !== 2) {
    throw new UpdateError(
      'usage: npm run tools:update -- <tool> <version> [--base-url URL] [--manifest FILE] [--no-default] [--force]',
    );
  }
  const file = path.resolve(values.manifest ?? 'packages/tools/manifest.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest & Record<string, unknown>;
  const entry = Object.hasOwn(manifest.tools, tool) ? manifest.tools[tool] : undefined;
  if (!entry)
    throw new UpdateError(`unknown tool "${tool}"; known: ${Object.keys(manifest.tools).join(', ')}`);
  const version = normalizeVersion(tool, rawVersion);

  const { assets, missing, source } = await readChecksums(tool, entry, version, values['base-url']);
  if (Object.keys(assets).length === 0) {
    throw new UpdateError(
      `${source} lists none of ${tool}'s assets for ${version}; the manifest was not changed.`,
    );
  }
  const previous = entry.versions[version] ?? {};
  const changed = Object.entries(assets).filter(
    ([platform, asset]) => previous[platform] !== undefined && previous[platform]!.sha256 !== asset.sha256,
  );
  if (changed.length > 0 && !values.force) {
    const list = changed
      .map(([p, a]) => `${p}: pinned ${previous[p]!.sha256}, published ${a.sha256}`)
      .join('; ');
    throw new UpdateError(
      `${tool} ${version}: published checksums differ from the pinned ones (${list}); not updated (use --force after checking why).`,
    );
  }
  entry.versions = {
    [version]: assets,
    ...Object.fromEntries(Object.entries(entry.versions).filter(([v]) => v !== version)),
  };
  if (!values['no-default']) entry.default = version;
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);

  for (const [platform, asset] of Object.entries(assets))
    process.stdout.write(`${tool} ${version} ${platform} ${asset.sha256} ${asset.file}\n`);
  for (const platform of missing)
    process.stdout.write(`${tool} ${version} ${platform}: not in ${source}; left out\n`);
  process.stdout.write(
    `Updated ${path.relative(process.cwd(), file) || file} from ${source}${values['no-default'] ? '' : ` (${version} is now the default)`}. Record the source in packages/tools/SOURCES.md.\n`,
  );
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`tools:update: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
