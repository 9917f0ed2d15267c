import { and, desc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { type ArmFigures, executionRollups, executions, rollouts } from "../db/schema";

export type RolloutRow = typeof rollouts.$inferSelect;

/** The statuses of a rollout still deciding what its environment serves. */
export const ACTIVE_STATUSES = ["running", "paused"] as const;

export async function findRollout(db: Database, workspaceId: string, id: string) {
  const [row] = await db
    .select()
    .from(rollouts)
    .where(and(eq(rollouts.workspaceId, workspaceId), eq(rollouts.id, id)));
  return row ?? null;
}

/** The running or paused rollout of a deployment in an environment, if any (there is at most one). */
export async function findActiveRollout(db: Database, workspaceId: string, deploymentId: string, environmentId: string) {
  const [row] = await db
    .select()
    .from(rollouts)
    .where(
      and(
        eq(rollouts.workspaceId, workspaceId),
        eq(rollouts.deploymentId, deploymentId),
        eq(rollouts.environmentId, environmentId),
        inArray(rollouts.status, [...ACTIVE_STATUSES]),
      ),
    );
  return row ?? null;
}

/** Every running or paused rollout of a deployment, in any environment. */
export function listActiveRollouts(db: Database, workspaceId: string, deploymentId: string) {
  return db
    .select()
    .from(rollouts)
    .where(and(eq(rollouts.workspaceId, workspaceId), eq(rollouts.deploymentId, deploymentId), inArray(rollouts.status, [...ACTIVE_STATUSES])));
}

export interface RolloutListFilter {
  workspaceId: string;
  deploymentId: string;
  environmentIds: string[];
  /** Keyset: rollouts before this id (ids grow with time). */
  beforeId?: string | undefined;
  limit: number;
}

/** A deployment's rollouts in the given environments, newest first. */
export function listRollouts(db: Database, f: RolloutListFilter) {
  if (f.environmentIds.length === 0) return Promise.resolve([] as RolloutRow[]);
  return db
    .select()
    .from(rollouts)
    .where(
      and(
        eq(rollouts.workspaceId, f.workspaceId),
        eq(rollouts.deploymentId, f.deploymentId),
        inArray(rollouts.environmentId, f.environmentIds),
        f.beforeId ? lt(rollouts.id, f.beforeId) : undefined,
      ),
    )
    .orderBy(desc(rollouts.id))
    .limit(f.limit);
}

export function insertRollout(db: Database, row: RolloutRow) {
  return db.insert(rollouts).values(row);
}

/** Writes a rollout's new state, only if it is still in the status it was read in (the batch fails otherwise). */
export function updateRollout(db: Database, row: RolloutRow, expectedStatus: RolloutRow["status"]) {
  return db
    .update(rollouts)
    .set(row)
    .where(and(eq(rollouts.id, row.id), eq(rollouts.status, expectedStatus)));
}

/** One arm's raw sums in a step of a rollout. */
export interface ArmSums {
  executions: number;
  errors: number;
  costSum: number;
  costCount: number;
  qualitySum: number;
  qualityCount: number;
}

/** Sums of each arm's executions in one step of a rollout, from the executions the split attributed to it. */
export async function armSums(db: Database, workspaceId: string, rolloutId: string, step: number): Promise<Record<"stable" | "candidate", ArmSums>> {
  const rows = await db
    .select({
      arm: executions.rolloutArm,
      executions: sql<number>`count(*)`,
      errors: sql<number>`coalesce(sum(${executions.status} = 'REJECTED'), 0)`,
      costSum: sql<number>`coalesce(sum(${executions.costUsd}), 0)`,
      costCount: sql<number>`count(${executions.costUsd})`,
      qualitySum: sql<number>`coalesce(sum(${executions.qualityScore}), 0)`,
      qualityCount: sql<number>`count(${executions.qualityScore})`,
    })
    .from(executions)
    .where(and(eq(executions.rolloutId, rolloutId), eq(executions.rolloutStep, step), eq(executions.workspaceId, workspaceId)))
    .groupBy(executions.rolloutArm);
  const empty: ArmSums = { executions: 0, errors: 0, costSum: 0, costCount: 0, qualitySum: 0, qualityCount: 0 };
  const byArm = { stable: { ...empty }, candidate: { ...empty } };
  for (const row of rows) if (row.arm === "stable" || row.arm === "candidate") byArm[row.arm] = { ...row };
  return byArm;
}

/** An arm's latency at quantile `q` (0–1) in a step: the value at that rank, by SQLite's index on the rollout, step and arm. */
export async function armLatencyQuantile(db: Database, workspaceId: string, rolloutId: string, step: number | null, arm: "stable" | "candidate", count: number, q: number) {
  if (count === 0) return null;
  const rank = Math.min(count - 1, Math.max(0, Math.ceil(q * count) - 1));
  const [row] = await db
    .select({ latencyMs: executions.latencyMs })
    .from(executions)
    .where(
      and(
        eq(executions.rolloutId, rolloutId),
        step === null ? undefined : eq(executions.rolloutStep, step),
        eq(executions.rolloutArm, arm),
        eq(executions.workspaceId, workspaceId),
      ),
    )
    .orderBy(executions.latencyMs)
    .limit(1)
    .offset(rank);
  return row?.latencyMs ?? null;
}

/** The figures the guard judges, from an arm's sums, its p95 latency, and the evaluator scores of its release (none by default). */
export function armFigures(sums: ArmSums, p95LatencyMs: number | null, evaluated: EvaluatorSamples = { sum: 0, count: 0 }): ArmFigures {
  const qualitySum = sums.qualitySum + evaluated.sum;
  const qualityCount = sums.qualityCount + evaluated.count;
  return {
    executions: sums.executions,
    errors: sums.errors,
    error_rate: sums.executions > 0 ? sums.errors / sums.executions : null,
    p95_latency_ms: p95LatencyMs,
    cost_per_execution: sums.costCount > 0 ? sums.costSum / sums.costCount : null,
    quality: qualityCount > 0 ? qualitySum / qualityCount : null,
    quality_count: qualityCount,
  };
}

/** One arm's sums over a whole rollout, with sums of squares for variances; cost and quality over the executions that have one. */
export interface ArmMoments {
  executions: number;
  errors: number;
  latencySum: number;
  latencySumOfSquares: number;
  costCount: number;
  costSum: number;
  costSumOfSquares: number;
  qualityCount: number;
  qualitySum: number;
  qualitySumOfSquares: number;
}

/** Each arm's sums over every step of a rollout, in one aggregate query. */
export async function armMoments(db: Database, workspaceId: string, rolloutId: string): Promise<Record<"stable" | "candidate", ArmMoments>> {
  const rows = await db
    .select({
      arm: executions.rolloutArm,
      executions: sql<number>`count(*)`,
      errors: sql<number>`coalesce(sum(${executions.status} = 'REJECTED'), 0)`,
      latencySum: sql<number>`coalesce(sum(${executions.latencyMs}), 0)`,
      latencySumOfSquares: sql<number>`coalesce(sum(${executions.latencyMs} * ${executions.latencyMs}), 0)`,
      costCount: sql<number>`count(${executions.costUsd})`,
      costSum: sql<number>`coalesce(sum(${executions.costUsd}), 0)`,
      costSumOfSquares: sql<number>`coalesce(sum(${executions.costUsd} * ${executions.costUsd}), 0)`,
      qualityCount: sql<number>`count(${executions.qualityScore})`,
      qualitySum: sql<number>`coalesce(sum(${executions.qualityScore}), 0)`,
      qualitySumOfSquares: sql<number>`coalesce(sum(${executions.qualityScore} * ${executions.qualityScore}), 0)`,
    })
    .from(executions)
    .where(and(eq(executions.rolloutId, rolloutId), inArray(executions.rolloutArm, ["stable", "candidate"]), eq(executions.workspaceId, workspaceId)))
    .groupBy(executions.rolloutArm);
  const empty: ArmMoments = {
    executions: 0,
    errors: 0,
    latencySum: 0,
    latencySumOfSquares: 0,
    costCount: 0,
    costSum: 0,
    costSumOfSquares: 0,
    qualityCount: 0,
    qualitySum: 0,
    qualitySumOfSquares: 0,
  };
  const byArm = { stable: { ...empty }, candidate: { ...empty } };
  for (const { arm, ...sums } of rows) if (arm === "stable" || arm === "candidate") byArm[arm] = sums;
  return byArm;
}

/** Quality samples that came from evaluators rather than from executions: a release's scores and how many. */
export interface EvaluatorSamples {
  sum: number;
  count: number;
}

/**
 * The evaluator scores (test-suite runs' quality samples) recorded for a
 * release in an environment from the rollup hour of `fromMs` on: what the
 * rollups hold for it beyond its executions' own scores. Hour-grained, as
 * the rollups are.
 */
export async function evaluatorSamples(db: Database, workspaceId: string, environmentId: string, releaseId: string, fromMs: number): Promise<EvaluatorSamples> {
  const hour = fromMs - (fromMs % 3_600_000);
  const [rolled, executed] = await Promise.all([
    db
      .select({ sum: sql<number>`coalesce(sum(${executionRollups.qualitySum}), 0)`, count: sql<number>`coalesce(sum(${executionRollups.qualityCount}), 0)` })
      .from(executionRollups)
      .where(
        and(
          eq(executionRollups.workspaceId, workspaceId),
          eq(executionRollups.environmentId, environmentId),
          eq(executionRollups.releaseId, releaseId),
          gte(executionRollups.bucketStart, hour),
        ),
      ),
    db
      .select({ sum: sql<number>`coalesce(sum(${executions.qualityScore}), 0)`, count: sql<number>`count(${executions.qualityScore})` })
      .from(executions)
      .where(and(eq(executions.workspaceId, workspaceId), eq(executions.environmentId, environmentId), eq(executions.releaseId, releaseId), gte(executions.startedAt, hour))),
  ]);
  const count = (rolled[0]?.count ?? 0) - (executed[0]?.count ?? 0);
  return count > 0 ? { sum: (rolled[0]?.sum ?? 0) - (executed[0]?.sum ?? 0), count } : { sum: 0, count: 0 };
}
