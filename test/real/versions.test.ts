import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import pinned from '../../packages/tools/manifest.json' with { type: 'json' };
import { requireRealTools } from './harness/tools.js';

/**
 * The tools were built from their Go modules at the versions `setup` installs, with the ldflags
 * each upstream release uses: each prints its own version as a release binary would.
 */
const VERSION_COMMANDS: Record<string, string[]> = {
  cosign: ['version'],
  syft: ['version'],
  grype: ['version'],
  helm: ['version', '--template', '{{.Version}}'],
  'slsa-verifier': ['version'],
  fulcio: ['version'],
  'timestamp-server': ['version'],
  'rekor-server': ['version'],
};

describe('the real tools', () => {
  const tools = {
    ...Object.fromEntries(Object.entries(pinned.tools).map(([name, entry]) => [name, entry.default])),
    ...Object.fromEntries(Object.entries(pinned.services).map(([name, entry]) => [name, entry.version])),
  };

  it('has a version command for every tool and service the manifest pins', () => {
    expect(Object.keys(VERSION_COMMANDS).sort()).toEqual(Object.keys(tools).sort());
  });

  it.each(Object.entries(tools))('%s prints the pinned version %s', (name, version) => {
    const bin = requireRealTools(name);
    const printed = execFileSync(path.join(bin, name), VERSION_COMMANDS[name], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(printed).toContain(version.replace(/^v/, ''));
  });
});
