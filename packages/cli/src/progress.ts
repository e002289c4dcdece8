import type { Logger } from '@release-actions/core';
import {
  formatBytes,
  formatDuration,
  formatProgress,
  formatRate,
  type DownloadProgress,
} from '@release-actions/tools';

/**
 * Download progress on a terminal: one line, redrawn in place (carriage return) at most every
 * `intervalMs`, for all downloads running at once ("cosign 1.2/45.3 MB at 8.4 MB/s, syft …"); a
 * finished download leaves its own line ending in a newline. Where stderr is not a terminal (CI
 * logs, pipes, files) it draws nothing: the installer's log already says, in one line before and
 * one after, what was downloaded, how large it was and how long it took.
 */

/** The part of a stream this needs (process.stderr; a fake one in tests). */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface TerminalProgress {
  /** For the installer's `progress` option: one per download, undefined where nothing is drawn. */
  download(name: string): DownloadProgress | undefined;
  /** The logger, made to clear the progress line before it writes and draw it again after. */
  wrap(logger: Logger): Logger;
}

export interface ProgressOptions {
  now?: () => number;
  /** Least time between two redraws (default 200 ms). */
  intervalMs?: number;
}

interface Task {
  name: string;
  total?: number;
  received: number;
  startedAt: number;
}

export function terminalProgress(stream: ProgressStream, options: ProgressOptions = {}): TerminalProgress {
  if (!stream.isTTY) return { download: () => undefined, wrap: (logger) => logger };
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? 200;
  const tasks = new Set<Task>();
  /** Width of the line on screen, so a shorter one can blank what is left of it. */
  let shown = 0;
  let drawnAt = -Infinity;

  // A line longer than the terminal wraps, and a carriage return then redraws only its last row.
  // A terminal that does not say its width (a pty under `script`, some CI) reports 0 columns.
  const fit = (text: string) => text.slice(0, Math.max(20, (stream.columns || 80) - 1));
  const put = (text: string, end = '') => {
    const line = fit(text);
    stream.write(`\r${line}${' '.repeat(Math.max(0, shown - line.length))}${end}`);
    shown = end === '' ? line.length : 0;
  };
  const clear = () => {
    if (shown === 0) return;
    stream.write(`\r${' '.repeat(shown)}\r`);
    shown = 0;
  };
  const describe = (task: Task, at: number) => {
    const size =
      task.total === undefined ? formatBytes(task.received) : formatProgress(task.received, task.total);
    return `${task.name} ${size} at ${formatRate(task.received, at - task.startedAt)}`;
  };
  const draw = (force: boolean) => {
    const at = now();
    if (!force && at - drawnAt < interval) return;
    drawnAt = at;
    if (tasks.size === 0) return clear();
    put([...tasks].map((task) => describe(task, at)).join(', '));
  };

  return {
    download(name) {
      let task: Task | undefined;
      return {
        start(total) {
          if (task !== undefined) tasks.delete(task);
          task = { name, total, received: 0, startedAt: now() };
          tasks.add(task);
          draw(false);
        },
        data(received) {
          if (task === undefined) return;
          task.received = received;
          draw(false);
        },
        end(ok) {
          if (task === undefined) return;
          tasks.delete(task);
          if (ok) {
            const elapsed = now() - task.startedAt;
            put(
              `${name} ${formatBytes(task.received)} in ${formatDuration(elapsed)} at ${formatRate(task.received, elapsed)}`,
              '\n',
            );
          } else {
            // The retry warning or the error follows on a line of its own.
            clear();
          }
          task = undefined;
          draw(true);
        },
      };
    },
    wrap(logger) {
      const around =
        (write: (message: string) => void) =>
        (message: string): void => {
          clear();
          write(message);
          if (tasks.size > 0) draw(true);
        };
      return {
        debug: around((m) => logger.debug(m)),
        info: around((m) => logger.info(m)),
        notice: around((m) => logger.notice(m)),
        warning: around((m) => logger.warning(m)),
      };
    },
  };
}
