import { describe, expect, it } from '@jest/globals';
import { manifest } from '@release-actions/tools';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../harness/run-bundle.js';

/** The version a go.mod requires of a module (single-line or block form). */
function required(goMod: string, module: string): string | undefined {
  const escaped = module.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, 'm').exec(goMod)?.[1];
}

describe('the Go programs of the real-tool tests', () => {
  it('reads the required version of a module from a go.mod', () => {
    const goMod =
      'module x\n\nrequire github.com/anchore/grype v1.2.3\n\nrequire (\n\tgithub.com/anchore/syft v0.1.0 // indirect\n)\n';
    expect(required(goMod, 'github.com/anchore/grype')).toBe('v1.2.3');
    expect(required(goMod, 'github.com/anchore/syft')).toBe('v0.1.0');
    expect(required(goMod, 'github.com/anchore/stereoscope')).toBeUndefined();
  });

  it('grype-db writes its database with the grype the manifest pins, so a bump cannot leave it behind', () => {
    // The database schema and the matchers move with grype: a database written by another grype
    // version could pass or fail the real scans for reasons of its own.
    const goMod = readFileSync(path.join(repoRoot, 'test/real/programs/grype-db/go.mod'), 'utf8');
    expect(required(goMod, 'github.com/anchore/grype')).toBe(manifest.tools.grype!.default);
  });
});
