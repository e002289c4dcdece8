// Types of scripts/bundles.mjs, for the tests that rebuild a bundle in memory.
import type { BuildOptions } from 'esbuild';

export interface BundleEntry {
  name: string;
  entry: string;
}
export function entries(root: string): BundleEntry[];
export function bundleOptions(root: string, entry: string, outdir: string): BuildOptions & { metafile: true };
