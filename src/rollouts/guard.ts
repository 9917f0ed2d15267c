import type { ArmFigures, RolloutGuard, RolloutStep } from "../db/schema";

/** What the guard decides for a step: a threshold crossed rolls back; otherwise the step passes or holds. */
export type Verdict = { decision: "roll_back"; threshold: string; reason: string } | { decision: "pass"; reason: string } | { decision: "hold"; reason: string };

const percent = (x: number) => `${(x * 100).toFixed(2)}%`;
const ratio = (x: number) => `${x.toFixed(2)}×`;

/**
 * The first threshold the candidate crosses, compared with the stable
 * release over the same step, or null. Ratios are judged only when the
 * stable arm has a figure above zero to divide by.
 */
export function crossedThreshold(guard: RolloutGuard, candidate: ArmFigures, stable: ArmFigures): { threshold: string; reason: string } | null {
  const c = candidate;
  const s = stable;
  if (guard.max_error_rate !== undefined && c.error_rate !== null && c.error_rate > guard.max_error_rate) {
    return { threshold: "max_error_rate", reason: `The candidate's error rate ${percent(c.error_rate)} is above ${percent(guard.max_error_rate)}` };
  }
  if (guard.max_error_rate_increase !== undefined && c.error_rate !== null && s.error_rate !== null && c.error_rate - s.error_rate > guard.max_error_rate_increase) {
    return {
      threshold: "max_error_rate_increase",
      reason: `The candidate's error rate ${percent(c.error_rate)} is more than ${percent(guard.max_error_rate_increase)} above the stable release's ${percent(s.error_rate)}`,
    };
  }
  if (guard.max_p95_latency_ratio !== undefined && c.p95_latency_ms !== null && s.p95_latency_ms !== null && s.p95_latency_ms > 0) {
    const r = c.p95_latency_ms / s.p95_latency_ms;
    if (r > guard.max_p95_latency_ratio) {
      return { threshold: "max_p95_latency_ratio", reason: `The candidate's p95 latency is ${ratio(r)} the stable release's (at most ${ratio(guard.max_p95_latency_ratio)})` };
    }
  }
  if (guard.max_cost_ratio !== undefined && c.cost_per_execution !== null && s.cost_per_execution !== null && s.cost_per_execution > 0) {
    const r = c.cost_per_execution / s.cost_per_execution;
    if (r > guard.max_cost_ratio) {
      return { threshold: "max_cost_ratio", reason: `The candidate costs ${ratio(r)} the stable release per execution (at most ${ratio(guard.max_cost_ratio)})` };
    }
  }
  if (guard.min_quality !== undefined && c.quality !== null && c.quality < guard.min_quality) {
    return { threshold: "min_quality", reason: `The candidate's quality ${c.quality.toFixed(3)} is below ${guard.min_quality}` };
  }
  if (guard.max_quality_drop !== undefined && c.quality !== null && s.quality !== null && s.quality - c.quality > guard.max_quality_drop) {
    return {
      threshold: "max_quality_drop",
      reason: `The candidate's quality ${c.quality.toFixed(3)} is more than ${guard.max_quality_drop} below the stable release's ${s.quality.toFixed(3)}`,
    };
  }
  return null;
}

/**
 * Judges a step: once each arm has the guard's floor of executions, a
 * crossed threshold rolls back at once; the step passes when it has lasted
 * its minimum duration with its minimum of candidate executions; otherwise
 * it holds (not enough data or time yet).
 */
export function judgeStep(step: RolloutStep, guard: RolloutGuard | null, candidate: ArmFigures, stable: ArmFigures, elapsedMs: number): Verdict {
  // In a shadow rollout or at 100% the stable arm gets no traffic to compare with; thresholds on the candidate alone still apply.
  const comparable = step.percent >= 100 ? candidate.executions : Math.min(candidate.executions, stable.executions);
  const floor = guard?.min_executions ?? 0;
  if (guard && comparable >= floor) {
    const crossed = crossedThreshold(guard, candidate, stable);
    if (crossed) return { decision: "roll_back", ...crossed };
  }
  if (guard && comparable < floor)
    return { decision: "hold", reason: `Waiting for ${floor} executions in each arm (candidate ${candidate.executions}, stable ${stable.executions})` };
  if (candidate.executions < step.min_executions) return { decision: "hold", reason: `Waiting for ${step.min_executions} candidate executions (${candidate.executions} so far)` };
  const remaining = step.min_duration_seconds * 1000 - elapsedMs;
  if (remaining > 0) return { decision: "hold", reason: `The step lasts ${step.min_duration_seconds} s; ${Math.ceil(remaining / 1000)} s to go` };
  return { decision: "pass", reason: "Every threshold held for the step's duration and executions" };
}
