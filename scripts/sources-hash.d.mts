// Types of scripts/sources-hash.mjs, for its test.
export const SOURCES_FILE: string;
export const STALE_DIST: string;
export function buildInputs(root: string): string[];
export function sourcesHash(root: string): string;
export function sourcesLine(root: string): string;
export function distIsCurrent(root: string): boolean;
