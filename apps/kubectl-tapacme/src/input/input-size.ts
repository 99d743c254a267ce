import { UsageError } from '../usage-error.js';

/** Files and streams larger than this are refused unless --max-input-size raises it. */
export const DEFAULT_MAX_INPUT_SIZE = 128 * 1024 * 1024;

const UNITS: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };

/** A size as Kubernetes writes quantities: 512Mi, 1Gi, 200M, or bytes. */
export function parseSize(raw: string, flag: string, max: number): number {
  const m = /^(\d+(?:\.\d+)?)(k|M|G|Ki|Mi|Gi)?$/.exec(raw.trim());
  if (!m) throw new UsageError(`${flag} takes a size such as 256Mi, 1Gi or 500M, got "${raw}"`);
  const bytes = Math.floor(Number(m[1]) * (UNITS[m[2] ?? ''] ?? 1));
  if (bytes < 1) throw new UsageError(`${flag} must be at least 1 byte, got "${raw}"`);
  if (bytes > max) throw new UsageError(`${flag} can be at most ${formatSize(max)} (the largest text this tool can hold in memory), got "${raw}"`);
  return bytes;
}

/** 128 MiB, 500 MiB, 64 KiB, 100 bytes. */
export function formatSize(bytes: number): string {
  for (const [unit, n] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes >= n && bytes % (n / 1024) === 0) return `${Number((bytes / n).toFixed(2))} ${unit}`;
  }
  return `${bytes} bytes`;
}
