/** Order statistics of a sample of numbers (milliseconds unless the caller says otherwise). */
export interface SampleSummary {
  n: number;
  min: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

/**
 * Nearest-rank percentile (`p` in 0..100) of an ascending array. Nearest-rank never
 * interpolates, so every reported figure is a value that was actually measured.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarize(samples: readonly number[]): SampleSummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = n === 0 ? Number.NaN : sorted.reduce((sum, x) => sum + x, 0) / n;
  return {
    n,
    min: n === 0 ? Number.NaN : sorted[0],
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: n === 0 ? Number.NaN : sorted[n - 1],
    mean,
  };
}

export function median(samples: readonly number[]): number {
  return percentile(
    [...samples].sort((a, b) => a - b),
    50,
  );
}

/** Formats milliseconds with a precision that suits the magnitude (0.42, 4.2, 42, 4200). */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  const abs = Math.abs(ms);
  if (abs >= 100) return ms.toFixed(0);
  if (abs >= 10) return ms.toFixed(1);
  return ms.toFixed(2);
}

export function formatNumber(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}
