export interface LatencySummary {
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

/**
 * Nearest-rank percentiles of request latencies, in milliseconds, rounded to 0.01 ms.
 *
 * @example summarize(Float64Array.of(1, 2, 3)).p50Ms // 2
 */
export function summarize(latencies: Float64Array): LatencySummary {
  const sorted = Float64Array.from(latencies).sort();
  const at = (q: number) =>
    sorted.length === 0 ? 0 : sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return {
    p50Ms: r2(at(0.5)),
    p90Ms: r2(at(0.9)),
    p99Ms: r2(at(0.99)),
    maxMs: r2(at(1)),
    meanMs: r2(mean),
  };
}

function r2(x: number): number {
  return Math.round(x * 100) / 100;
}
