/** Sizes and durations as the installer's lines show them (decimal units, like release pages). */

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  if (bytes < 1_000_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  return `${(bytes / 1_000_000_000).toFixed(2)} GB`;
}

/** `received` of `total` in the larger one's unit, e.g. "1.2/45.3 MB". */
export function formatProgress(received: number, total: number): string {
  const [unit, divisor, digits] =
    total < 1000
      ? (['B', 1, 0] as const)
      : total < 1_000_000
        ? (['kB', 1000, 1] as const)
        : total < 1_000_000_000
          ? (['MB', 1_000_000, 1] as const)
          : (['GB', 1_000_000_000, 2] as const);
  return `${(received / divisor).toFixed(digits)}/${(total / divisor).toFixed(digits)} ${unit}`;
}

export function formatRate(bytes: number, ms: number): string {
  return `${formatBytes(ms <= 0 ? 0 : Math.round((bytes * 1000) / ms))}/s`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
