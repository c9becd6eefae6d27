/** Percentile of unsorted samples (nearest rank); NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  ]!;
}

export interface Drift {
  first: number;
  last: number;
  /** (last − first) / first: the mean of the last tenth of samples against the first tenth. */
  drift: number;
}

/** Drift of a series from its first tenth to its last tenth (at least one sample each). */
export function drift(series: readonly number[]): Drift {
  const finite = series.filter(Number.isFinite);
  const tenth = Math.max(1, Math.floor(finite.length / 10));
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const first = mean(finite.slice(0, tenth));
  const last = mean(finite.slice(-tenth));
  return { first: round(first), last: round(last), drift: round((last - first) / first, 4) };
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
