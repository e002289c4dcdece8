import { build, type Metafile } from 'esbuild';
import { bundleOptions, entries } from '../../scripts/bundles.mjs';
import { repoRoot } from './run-bundle.js';

/**
 * What esbuild puts into each bundle now: every bundle of `npm run build`, rebuilt in memory with
 * its options (nothing is written), by name. The metafile says which files each one is made of.
 */
export async function bundleMetafiles(): Promise<Map<string, Metafile>> {
  const built = await Promise.all(
    entries(repoRoot).map(async ({ name, entry }) => {
      const result = await build({
        ...bundleOptions(repoRoot, entry, `dist/${name}`),
        write: false,
        logLevel: 'silent',
      });
      return [name, result.metafile] as const;
    }),
  );
  return new Map(built);
}
