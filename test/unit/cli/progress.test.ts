import { describe, expect, it } from '@jest/globals';
import type { Logger } from '@release-actions/core';
import { terminalProgress, type ProgressStream } from '../../../packages/cli/src/progress.js';

/** A stream that records what was written, and a clock the test moves by hand. */
function fakeTerminal(
  isTTY: boolean,
  columns = 100,
): ProgressStream & { text: () => string; writes: string[] } {
  const writes: string[] = [];
  return { isTTY, columns, writes, write: (text: string) => writes.push(text), text: () => writes.join('') };
}

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

/** What a terminal shows after the writes: each carriage return goes back to the start of the line. */
function screen(text: string): string[] {
  const lines: string[] = [];
  for (const raw of text.split('\n')) {
    let line = '';
    for (const part of raw.split('\r')) line = part + line.slice(part.length);
    lines.push(line.trimEnd());
  }
  return lines;
}

const MB = 1_000_000;

describe('terminalProgress on a terminal', () => {
  it('draws bytes and rate in place, at most every 200 ms, and ends the line with a newline', () => {
    const stream = fakeTerminal(true);
    const time = clock();
    const progress = terminalProgress(stream, { now: time.now });
    const cosign = progress.download('cosign')!;
    cosign.start(45.3 * MB);
    expect(screen(stream.text())).toEqual(['cosign 0.0/45.3 MB at 0 B/s']);
    // 100 chunks within 50 ms: not one redraw.
    const before = stream.writes.length;
    for (let i = 1; i <= 100; i++) cosign.data(i * 1000);
    time.advance(50);
    cosign.data(100_000);
    expect(stream.writes.length).toBe(before);
    time.advance(1000);
    cosign.data(8.4 * MB);
    expect(stream.writes.length).toBe(before + 1);
    expect(screen(stream.text())).toEqual(['cosign 8.4/45.3 MB at 8.0 MB/s']);
    time.advance(4000);
    cosign.data(45.3 * MB);
    cosign.end(true);
    expect(stream.text().endsWith('\n')).toBe(true);
    expect(stream.text()).not.toContain('\n\n');
    expect(screen(stream.text())).toEqual(['cosign 45.3 MB in 5.0 s at 9.0 MB/s', '']);
    expect(stream.text().split('\n')).toHaveLength(2);
  });

  it('shows concurrent downloads on one line, and gives each its own line when it ends', () => {
    const stream = fakeTerminal(true);
    const time = clock();
    const progress = terminalProgress(stream, { now: time.now });
    const cosign = progress.download('cosign')!;
    const syft = progress.download('syft')!;
    cosign.start(2 * MB);
    syft.start(undefined);
    time.advance(1000);
    syft.data(500_000);
    expect(screen(stream.text())).toEqual(['cosign 0.0/2.0 MB at 0 B/s, syft 500.0 kB at 500.0 kB/s']);
    cosign.data(2 * MB);
    cosign.end(true);
    expect(screen(stream.text())).toEqual([
      'cosign 2.0 MB in 1.0 s at 2.0 MB/s',
      'syft 500.0 kB at 500.0 kB/s',
    ]);
  });

  it('clears its line for a log line or a failed attempt, then draws it again', () => {
    const stream = fakeTerminal(true);
    const time = clock();
    const progress = terminalProgress(stream, { now: time.now });
    const base: Logger = {
      debug: () => undefined,
      info: (m) => stream.write(`${m}\n`),
      notice: () => undefined,
      warning: (m) => stream.write(`warning: ${m}\n`),
    };
    const logger = progress.wrap(base);
    const helm = progress.download('helm')!;
    helm.start(1000);
    time.advance(300);
    helm.data(500);
    helm.end(false);
    logger.warning('helm: download ended after 500 of 1000 bytes; retrying in 1000 ms');
    helm.start(1000);
    time.advance(300);
    helm.data(700);
    logger.info('Downloading syft');
    expect(screen(stream.text())).toEqual([
      'warning: helm: download ended after 500 of 1000 bytes; retrying in 1000 ms',
      'Downloading syft',
      'helm 0.7/1.0 kB at 2.3 kB/s',
    ]);
  });

  it('keeps the line within the terminal’s width, so a carriage return can redraw it', () => {
    const stream = fakeTerminal(true, 30);
    const progress = terminalProgress(stream, { now: clock().now });
    progress.download('slsa-verifier')!.start(123_456_789);
    progress.download('cosign')!.start(45 * MB);
    for (const line of screen(stream.text())) expect(line.length).toBeLessThan(30);
  });

  it('assumes 80 columns where the terminal reports none', () => {
    const stream = fakeTerminal(true, 0);
    const progress = terminalProgress(stream, { now: clock().now });
    progress.download('cosign')!.start(45.3 * MB);
    expect(screen(stream.text())).toEqual(['cosign 0.0/45.3 MB at 0 B/s']);
  });
});

describe('terminalProgress elsewhere (CI logs, pipes, files)', () => {
  it('draws nothing at all and leaves the logger as it is', () => {
    const stream = fakeTerminal(false);
    const time = clock();
    const progress = terminalProgress(stream, { now: time.now });
    expect(progress.download('cosign')).toBeUndefined();
    const base: Logger = {
      debug: () => undefined,
      info: () => undefined,
      notice: () => undefined,
      warning: () => undefined,
    };
    expect(progress.wrap(base)).toBe(base);
    expect(stream.writes).toEqual([]);
  });
});
