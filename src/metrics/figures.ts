import { addToHistogram, type LatencyHistogram, percentiles } from "./latency-buckets";

/** Sums as the rollups keep them; adding two of them gives the sums of both. */
export interface RollupSums {
  executions: number;
  errors: number;
  latencyMsSum: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  qualitySum: number;
  qualityCount: number;
}

/** The figures reported for a set of executions: overall, per time bucket, per release. */
export interface Figures {
  executions: number;
  errors: number;
  error_rate: number | null;
  latency_ms: { mean: number | null; p50: number | null; p95: number | null; p99: number | null };
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  quality: { mean: number | null; count: number };
}

const SUM_FIELDS = ["executions", "errors", "latencyMsSum", "inputTokens", "outputTokens", "costUsd", "qualitySum", "qualityCount"] as const;

/**
 * Collects rollup sums and latency histogram counts, and turns them into
 * figures. Means are ratios of sums (exact); percentiles come from the merged
 * histogram (see latency-buckets.ts for their precision).
 */
export class FiguresAccumulator {
  private readonly sums: RollupSums = { executions: 0, errors: 0, latencyMsSum: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, qualitySum: 0, qualityCount: 0 };
  private readonly histogram: LatencyHistogram = new Map();

  addSums(row: RollupSums): void {
    // D1 returns NULL sums for no rows; count them as zero.
    for (const field of SUM_FIELDS) this.sums[field] += Number(row[field] ?? 0);
  }

  addLatencies(bucketMs: number, count: number): void {
    addToHistogram(this.histogram, bucketMs, count);
  }

  figures(): Figures {
    const s = this.sums;
    const [p50, p95, p99] = percentiles(this.histogram, [50, 95, 99]);
    return {
      executions: s.executions,
      errors: s.errors,
      error_rate: s.executions > 0 ? s.errors / s.executions : null,
      latency_ms: { mean: s.executions > 0 ? s.latencyMsSum / s.executions : null, p50: p50 ?? null, p95: p95 ?? null, p99: p99 ?? null },
      input_tokens: s.inputTokens,
      output_tokens: s.outputTokens,
      cost_usd: s.costUsd,
      quality: { mean: s.qualityCount > 0 ? s.qualitySum / s.qualityCount : null, count: s.qualityCount },
    };
  }
}
