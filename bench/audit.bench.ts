import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { auditPaths } from '@release-actions/audit';
import { median, type BenchReport } from './report.js';

const FILES = 1000;
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
    const workflows = path.join(dir, 'workflows');
    mkdirSync(workflows);
    for (let i = 0; i < FILES; i++) writeFileSync(path.join(workflows, `wf-${i}.yml`), workflow(i));

    const parseOnly = () => {
      for (const name of readdirSync(workflows)) {
        const lineCounter = new LineCounter();
        const doc = parseDocument(readFileSync(path.join(workflows, name), 'utf8'), { lineCounter });
        if (doc.errors.length > 0) throw new Error(`${name}: ${doc.errors[0]!.message}`);
      }
    };
    let findings = 0;
    const audit = () => {
      const result = auditPaths(dir, [workflows]);
      if (result.errors.length > 0 || result.files.length !== FILES)
        throw new Error('audit did not read every file');
      findings = result.findings.length;
    };
    // Warm both paths once (JIT, file cache), then alternate so neither gets a systematic advantage.
    parseOnly();
    audit();
    const reference: number[] = [];
    const ours: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      reference.push(time(parseOnly));
      ours.push(time(audit));
    }
    if (findings === 0) throw new Error('the generated workflows should produce findings');
    report.add({
      name: `audit ${FILES} workflows (${findings} findings)`,
      ours: median(ours),
      reference: median(reference),
      referenceName: 'read + yaml.parseDocument',
      unit: 'ms',
      maxRatio: 2,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
