import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../harness/run-bundle.js';

/**
 * Variants of our policy fixtures and of syft's upstream SBOM goldens, derived in code (the
 * upstream files are never edited). Ignore rules get expiry dates relative to today, because the
 * cap on expiries (one year by default) makes a fixed far-away date fail.
 */

const syftGolden = path.join(repoRoot, 'test', 'fixtures', 'upstream', 'syft', 'golden');
/** syft's SPDX 2.3 golden for an image: two packages (python, deb) and the image's document root. */
export const SYFT_SPDX = path.join(syftGolden, 'spdx-json.image.golden.json');
/** syft's CycloneDX 1.6 golden for an image: two packages and the operating system. */
export const SYFT_CYCLONEDX = path.join(syftGolden, 'cyclonedx-json-1.6.image.golden.json');

/** The UTC day `days` from `now`, YYYY-MM-DD. */
export function inDays(days: number, now: Date = new Date()): string {
  return new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

/** An ignore file with every `expires:` date replaced by `expires`. */
export function withExpiry(text: string, expires: string): string {
  return text.replace(/expires: \d{4}-\d{2}-\d{2}/g, `expires: ${expires}`);
}

/** syft's SPDX golden with its packages left out, as syft writes it for an image it found nothing in. */
export function emptySpdx(): string {
  const doc = JSON.parse(readFileSync(SYFT_SPDX, 'utf8')) as {
    packages: { SPDXID: string }[];
    relationships?: { spdxElementId: string; relatedSpdxElement: string }[];
  };
  // syft keeps the document-root package (the image itself) even when it catalogued nothing.
  doc.packages = doc.packages.filter((p) => p.SPDXID.startsWith('SPDXRef-DocumentRoot-'));
  const kept = new Set(['SPDXRef-DOCUMENT', ...doc.packages.map((p) => p.SPDXID)]);
  doc.relationships = (doc.relationships ?? []).filter(
    (r) => kept.has(r.spdxElementId) && kept.has(r.relatedSpdxElement),
  );
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** syft's CycloneDX golden with no components but the operating system syft detected. */
export function emptyCycloneDx(): string {
  const doc = JSON.parse(readFileSync(SYFT_CYCLONEDX, 'utf8')) as {
    components: { type: string }[];
    dependencies?: unknown[];
  };
  doc.components = doc.components.filter((c) => c.type === 'operating-system');
  delete doc.dependencies;
  return `${JSON.stringify(doc, null, 2)}\n`;
}
