/** Sizes and durations as the installer's lines show them (decimal units, like release pages). */

/** The unit a size of `bytes` is shown in: its name, its size in bytes, and the decimals shown. */
function unitFor(bytes: number): readonly [string, number, number] {
  if (bytes < 1000) return ['B', 1, 0];
  if (bytes < 1_000_000) return ['kB', 1000, 1];
  if (bytes < 1_000_000_000) return ['MB', 1_000_000, 1];
  return ['GB', 1_000_000_000, 2];
}

export function formatBytes(bytes: number): string {
  const [unit, divisor, digits] = unitFor(bytes);
  return `${(bytes / divisor).toFixed(digits)} ${unit}`;
}

/** `received` of `total` in the larger one's unit, e.g. "1.2/45.3 MB". */
export function formatProgress(received: number, total: number): string {
  const [unit, divisor, digits] = unitFor(total);
  return `${(received / divisor).toFixed(digits)}/${(total / divisor).toFixed(digits)} ${unit}`;
}

export function formatRate(bytes: number, ms: number): string {
  return `${formatBytes(ms <= 0 ? 0 : Math.round((bytes * 1000) / ms))}/s`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
