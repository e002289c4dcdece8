import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../harness/run-bundle.js';

/**
 * Error codes are an interface (the `::error` title, what a script branches on): each package's
 * `…ErrorCode` union is listed in docs/errors.md, and the page lists no code that no longer exists.
 */

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : full.endsWith('.ts') ? [full] : [];
  });
}

/** Every member of every exported `…ErrorCode` string union, with the package it belongs to. */
function declaredCodes(): Map<string, string> {
  const codes = new Map<string, string>();
  for (const pkg of readdirSync(path.join(repoRoot, 'packages'))) {
    const src = path.join(repoRoot, 'packages', pkg, 'src');
    for (const file of statSync(src, { throwIfNoEntry: false })?.isDirectory() ? sources(src) : []) {
      const text = readFileSync(file, 'utf8');
      for (const union of text.matchAll(/export type \w*ErrorCode\s*=([^;]+);/g)) {
        for (const member of union[1]!.matchAll(/'([A-Z][A-Z0-9_]+)'/g)) codes.set(member[1]!, pkg);
      }
    }
  }
  return codes;
}

const page = readFileSync(path.join(repoRoot, 'docs/errors.md'), 'utf8');
const documented = new Set([...page.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]!));

describe('docs/errors.md', () => {
  const codes = declaredCodes();

  it('finds the codes of core and of the packages', () => {
    expect(codes.get('INPUT_INVALID')).toBe('core');
    expect(new Set(codes.values()).size).toBeGreaterThan(1);
  });

  it('lists every error code a package declares', () => {
    expect([...codes.keys()].filter((code) => !documented.has(code)).sort()).toEqual([]);
  });

  it('lists no code that no package declares', () => {
    expect([...documented].filter((code) => !codes.has(code)).sort()).toEqual([]);
  });
});
