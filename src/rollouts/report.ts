import type { Database } from "../db/client";
import { type Interval, momentsFromSums, newcombe, type SampleMoments, welch } from "../lib/statistics";
import { type ArmMoments, armLatencyQuantile, armMoments, type RolloutRow } from "./rollout-repository";
import { shadowSummary } from "./shadow-repository";

type Arm = "stable" | "candidate";

/** One arm's figures over the whole rollout, every step included. */
export interface ArmReport {
  executions: number;
  errors: number;
  error_rate: number | null;
  /** Over every execution, failed ones included; percentiles by nearest rank. */
  latency: { mean_ms: number | null; p50_ms: number | null; p95_ms: number | null; p99_ms: number | null };
  /** `per_execution_usd` is over the executions with a known cost. */
  cost: { total_usd: number; per_execution_usd: number | null };
  quality: { mean: number | null; count: number };
}

/** The candidate minus the stable release: null when either arm lacks data; `ci95` null when the data cannot support an interval. */
export interface ReportDifference {
  estimate: number | null;
  ci95: Interval | null;
}

/** How a shadow candidate's answers compare with the served ones. */
export interface ShadowReport {
  executions: number;
  same_outputs: number;
  same_output_rate: number | null;
  mean_similarity: number | null;
  errors: number;
  mean_latency_ms: number | null;
  cost_usd: number;
}

/** A rollout's report, as `GET /v1/rollouts/{id}` shows it. */
export interface RolloutReport {
  stable: ArmReport;
  candidate: ArmReport;
  difference: {
    error_rate: ReportDifference;
    latency_mean_ms: ReportDifference;
    cost_per_execution_usd: ReportDifference;
    quality_mean: ReportDifference;
  };
  shadow: ShadowReport | null;
}

/**
 * Below this many executions in an arm the error-rate difference gets no
 * interval. Newcombe's interval stays valid for small samples, but under 10
 * it spans more than ±0.27 whatever the rates, and reads as a finding when it
 * is only noise.
 */
export const MIN_EXECUTIONS_FOR_RATE_INTERVAL = 10;

const QUANTILES = [0.5, 0.95, 0.99] as const;
const NONE: ReportDifference = { estimate: null, ci95: null };

/**
 * Each arm's figures over the whole rollout (every step), the candidate's
 * difference from the stable release with 95% intervals (Newcombe for the
 * error rate, Welch for means), and for a shadow rollout how its answers
 * compared. Two rounds of queries: one aggregate per arm (with the shadow
 * summary), then the six latency percentiles by rank.
 */
export async function rolloutReport(db: Database, workspaceId: string, rollout: RolloutRow): Promise<RolloutReport> {
  const [moments, shadow] = await Promise.all([
    armMoments(db, workspaceId, rollout.id),
    rollout.mode === "shadow" ? shadowSummary(db, workspaceId, rollout.id) : Promise.resolve(null),
  ]);
  const percentiles = (arm: Arm) => Promise.all(QUANTILES.map((q) => armLatencyQuantile(db, workspaceId, rollout.id, null, arm, moments[arm].executions, q)));
  const [stablePercentiles, candidatePercentiles] = await Promise.all([percentiles("stable"), percentiles("candidate")]);
  const s = moments.stable;
  const c = moments.candidate;
  return {
    stable: armReport(s, stablePercentiles),
    candidate: armReport(c, candidatePercentiles),
    difference: {
      error_rate: errorRateDifference(c, s),
      latency_mean_ms: meanDifference(momentsFromSums(c.executions, c.latencySum, c.latencySumOfSquares), momentsFromSums(s.executions, s.latencySum, s.latencySumOfSquares)),
      cost_per_execution_usd: meanDifference(momentsFromSums(c.costCount, c.costSum, c.costSumOfSquares), momentsFromSums(s.costCount, s.costSum, s.costSumOfSquares)),
      quality_mean: meanDifference(momentsFromSums(c.qualityCount, c.qualitySum, c.qualitySumOfSquares), momentsFromSums(s.qualityCount, s.qualitySum, s.qualitySumOfSquares)),
    },
    shadow: shadow && {
      executions: shadow.executions,
      same_outputs: shadow.sameOutputs,
      same_output_rate: shadow.executions > 0 ? shadow.sameOutputs / shadow.executions : null,
      mean_similarity: shadow.meanSimilarity,
      errors: shadow.errors,
      mean_latency_ms: shadow.meanLatencyMs,
      cost_usd: shadow.costUsd,
    },
  };
}

function armReport(m: ArmMoments, [p50, p95, p99]: (number | null)[]): ArmReport {
  return {
    executions: m.executions,
    errors: m.errors,
    error_rate: m.executions > 0 ? m.errors / m.executions : null,
    latency: { mean_ms: m.executions > 0 ? m.latencySum / m.executions : null, p50_ms: p50 ?? null, p95_ms: p95 ?? null, p99_ms: p99 ?? null },
    cost: { total_usd: m.costSum, per_execution_usd: m.costCount > 0 ? m.costSum / m.costCount : null },
    quality: { mean: m.qualityCount > 0 ? m.qualitySum / m.qualityCount : null, count: m.qualityCount },
  };
}

function errorRateDifference(candidate: ArmMoments, stable: ArmMoments): ReportDifference {
  if (candidate.executions === 0 || stable.executions === 0) return NONE;
  const { estimate, ci95 } = newcombe({ successes: candidate.errors, trials: candidate.executions }, { successes: stable.errors, trials: stable.executions });
  const enough = Math.min(candidate.executions, stable.executions) >= MIN_EXECUTIONS_FOR_RATE_INTERVAL;
  return { estimate, ci95: enough ? ci95 : null };
}

function meanDifference(candidate: SampleMoments | null, stable: SampleMoments | null): ReportDifference {
  if (!candidate || !stable) return NONE;
  const { estimate, ci95 } = welch(candidate, stable);
  return { estimate, ci95 };
}
