import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { auditPaths } from '@release-actions/audit';
import { median, type BenchReport } from './report.js';

const FILES = 1000;
/** The files are audited in folders of this many, each beside its reference (see below). */
const FOLDER = 100;
const ROUNDS = 5;

/** A realistic workflow of ~80 lines: three jobs, pinned and unpinned steps, scripts, permissions. */
function workflow(index: number): string {
  // One SHA per action across all files, as in a repository kept consistent (PIN004 stays quiet).
  const sha = (n: number) => (n * 0x1f3a5c7).toString(16).padStart(8, '0').repeat(5);
  return `name: build ${index}
on:
  push:
    branches: [main]
  pull_request:
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: step-security/harden-runner@${sha(1)} # v2.13.1
        with:
          egress-policy: block
          allowed-endpoints: >
            github.com:443
            registry.npmjs.org:443
      - uses: actions/checkout@${sha(2)} # v4.2.2
        with:
          persist-credentials: false
      - uses: actions/setup-node@v4
        with:
          node-version: 22
          cache: npm
      - run: |
          npm ci
          npm run build -- part-${index}
          npm test
      - uses: actions/upload-artifact@${sha(3)}
        with:
          name: dist-${index}
          path: dist/
  lint:
    runs-on: ubuntu-latest
    permissions:
      contents: write
    steps:
      - uses: actions/checkout@${sha(2)} # v4.2.2
      - run: echo "linting \${{ github.event.pull_request.title }}" && npm run lint
  sign:
    needs: build
    runs-on: ubuntu-latest
    permissions:
      id-token: write
      packages: write
    steps:
      - uses: step-security/harden-runner@${sha(1)} # v2.13.1
        with:
          egress-policy: audit
      - uses: actions/download-artifact@${sha(4)} # v4
        with:
          name: dist-${index}
      - uses: $/sign
        with:
          images: ghcr.io/example/app-${index}@sha256:${'0'.repeat(64)}
      - env:
          TOKEN: \${{ secrets.DEPLOY_TOKEN }}
        run: ./deploy.sh "$TOKEN" # release-actions: ignore[CRED003] reviewed
`;
}

function time(fn: () => void): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

export default async function (report: BenchReport): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-audit-'));
  try {
    const folders: string[] = [];
    for (let i = 0; i < FILES; i++) {
      const folder = path.join(dir, `workflows-${Math.floor(i / FOLDER)}`);
      if (i % FOLDER === 0) {
        mkdirSync(folder);
        folders.push(folder);
      }
      writeFileSync(path.join(folder, `wf-${i}.yml`), workflow(i));
    }

    const parseOnly = (folder: string) => {
      for (const name of readdirSync(folder)) {
        const lineCounter = new LineCounter();
        const doc = parseDocument(readFileSync(path.join(folder, name), 'utf8'), { lineCounter });
        if (doc.errors.length > 0) throw new Error(`${name}: ${doc.errors[0]!.message}`);
      }
    };
    let findings = 0;
    const audit = (folder: string) => {
      const result = auditPaths(dir, [folder]);
      if (result.errors.length > 0 || result.files.length !== FOLDER)
        throw new Error('audit did not read every file');
      return result.findings.length;
    };
    // Warm both paths once (JIT, file cache). Then, folder by folder, the reference and the audit
    // run back to back: on a shared machine, other work slows both alike instead of whichever ran
    // during a burst. Each round's times are the sums over all folders.
    for (const folder of folders) {
      parseOnly(folder);
      findings += audit(folder);
    }
    const reference: number[] = [];
    const ours: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let parsing = 0;
      let auditing = 0;
      for (const folder of folders) {
        parsing += time(() => parseOnly(folder));
        auditing += time(() => audit(folder));
      }
      reference.push(parsing);
      ours.push(auditing);
    }
    if (findings === 0) throw new Error('the generated workflows should produce findings');
    report.add({
      name: `audit ${FILES} workflows (${findings} findings)`,
      ours: median(ours),
      reference: median(reference),
      referenceName: 'read + yaml.parseDocument',
      unit: 'ms',
      maxRatio: 1.5,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
