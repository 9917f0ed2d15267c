/**
 * Latency histograms: how executions' latencies are bucketed, and how
 * percentiles are read back from merged buckets.
 *
 * A latency below 1000 ms is rounded up to a whole millisecond, so
 * percentiles of whole-millisecond latencies are exact there. From 1000 ms on
 * it is rounded up to three significant digits (1234 ms → 1240 ms), so a
 * percentile is at most 1% above the true value. That keeps a histogram to at
 * most ~1,000 + 900 buckets per decade, whatever the traffic.
 *
 * The insert trigger on `executions` (migration 0004) computes the same
 * bucket in SQL; this function is its mirror, for tests and documentation.
 */

/** The step latencies are rounded up to: 1 ms below a second, then three significant digits. */
function stepFor(latencyMs: number): number {
  if (latencyMs < 1_000) return 1;
  if (latencyMs < 10_000) return 10;
  if (latencyMs < 100_000) return 100;
  if (latencyMs < 1_000_000) return 1_000;
  if (latencyMs < 10_000_000) return 10_000;
  return 100_000;
}

/**
 * The histogram bucket a latency is counted in: its upper bound.
 *
 * @example
 * latencyBucket(12.2); // 13
 * latencyBucket(999);  // 999
 * latencyBucket(1234); // 1240
 */
export function latencyBucket(latencyMs: number): number {
  const step = stepFor(latencyMs);
  return Math.ceil(latencyMs / step) * step;
}

/** A histogram: bucket (ms) → how many executions fell in it. */
export type LatencyHistogram = Map<number, number>;

/** Adds `count` executions of bucket `bucketMs` to the histogram. */
export function addToHistogram(histogram: LatencyHistogram, bucketMs: number, count: number): void {
  histogram.set(bucketMs, (histogram.get(bucketMs) ?? 0) + count);
}

/**
 * Nearest-rank percentiles: the p-th percentile of n values is the
 * ceil(p·n/100)-th smallest. Null for an empty histogram.
 *
 * @example
 * percentiles(new Map([[10, 3], [20, 1]]), [50, 99]); // [10, 20]
 */
export function percentiles(histogram: LatencyHistogram, ranks: readonly number[]): (number | null)[] {
  const buckets = [...histogram].filter(([, count]) => count > 0).sort(([a], [b]) => a - b);
  const total = buckets.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return ranks.map(() => null);
  return ranks.map((p) => {
    // Integer arithmetic, so 95·20/100 is exactly rank 19, not 19.000000000000004.
    const rank = Math.max(1, Math.ceil((p * total) / 100));
    let seen = 0;
    for (const [bucket, count] of buckets) {
      seen += count;
      if (seen >= rank) return bucket;
    }
    return buckets.at(-1)![0];
  });
}
