import type { SbomResult } from './create.js';
import { manifestEntries } from './manifest.js';

/** A value of an action output: text, a number, or JSON. */
export type SbomOutputValue = string | number | readonly unknown[] | Record<string, unknown>;

/**
 * The sbom action's outputs: a path per format of the seed files, every file written, the seed's
 * counts and syft version, the digest, the platforms manifest and its entries, and the comparison.
 */
export function sbomOutputs(result: SbomResult): Record<string, SbomOutputValue> {
  const seed = result.seed;
  const outputs: Record<string, SbomOutputValue> = {};
  for (const file of seed.files) outputs[file.format] = file.path;
  outputs.files = [
    ...seed.files.map((f) => f.path),
    ...(result.index ? result.platforms.flatMap((p) => p.result.files.map((f) => f.path)) : []),
  ];
  outputs.packages = seed.packages;
  outputs['package-counts'] = seed.countsByType;
  outputs['syft-version'] = seed.syftVersion;
  const digest = result.digest ?? seed.source.digest;
  if (digest) outputs.digest = digest;
  outputs.manifest = result.manifest?.file ?? '';
  outputs.platforms = result.manifest ? manifestEntries(result.manifest.content) : [];
  if (result.diff) {
    outputs.added = result.diff.added.length;
    outputs.removed = result.diff.removed.length;
    outputs.changed = result.diff.changed.length;
  }
  return outputs;
}
