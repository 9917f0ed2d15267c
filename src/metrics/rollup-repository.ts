import { and, eq, gte, inArray, lt, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { executionRollups, latencyHistogram } from "../db/schema";

/** One hour in milliseconds: the grain of the rollups. */
export const HOUR_MS = 3_600_000;

/** The rollup hour an instant falls in, as the triggers compute it. */
export function rollupHour(atMs: number): number {
  return Math.floor(atMs / HOUR_MS) * HOUR_MS;
}

/** Which rollup rows a metrics query reads: one environment, a range of hours, optionally one deployment or release. */
export interface RollupFilter {
  workspaceId: string;
  environmentId: string;
  /** Inclusive, hour-aligned, ms since the epoch. */
  from: number;
  /** Exclusive, hour-aligned. */
  to: number;
  deploymentId?: string | undefined;
  releaseId?: string | undefined;
}

function rollupConditions(table: typeof executionRollups | typeof latencyHistogram, f: RollupFilter): SQL | undefined {
  return and(
    eq(table.workspaceId, f.workspaceId),
    eq(table.environmentId, f.environmentId),
    gte(table.bucketStart, f.from),
    lt(table.bucketStart, f.to),
    f.deploymentId !== undefined ? eq(table.deploymentId, f.deploymentId) : undefined,
    f.releaseId !== undefined ? eq(table.releaseId, f.releaseId) : undefined,
  );
}

/** The start of the `slotMs`-wide UTC slot a rollup hour belongs to. `slotMs` is one of a few constants, inlined so SELECT and GROUP BY match. */
function slotOf(column: typeof executionRollups.bucketStart | typeof latencyHistogram.bucketStart, slotMs: number) {
  if (!Number.isSafeInteger(slotMs) || slotMs <= 0) throw new Error(`invalid slot width ${slotMs}`);
  return sql<number>`(${column} - ${column} % ${sql.raw(String(slotMs))})`;
}

/**
 * Rollup sums per (time slot, deployment, release) — a few rows per slot
 * and release, however many executions there were.
 */
export function sumRollups(db: Database, f: RollupFilter, slotMs: number) {
  const slot = slotOf(executionRollups.bucketStart, slotMs);
  return db
    .select({
      slot,
      deploymentId: executionRollups.deploymentId,
      releaseId: executionRollups.releaseId,
      executions: sql<number>`sum(${executionRollups.executions})`,
      errors: sql<number>`sum(${executionRollups.errors})`,
      latencyMsSum: sql<number>`sum(${executionRollups.latencyMsSum})`,
      inputTokens: sql<number>`sum(${executionRollups.inputTokens})`,
      outputTokens: sql<number>`sum(${executionRollups.outputTokens})`,
      costUsd: sql<number>`sum(${executionRollups.costUsd})`,
      qualitySum: sql<number>`sum(${executionRollups.qualitySum})`,
      qualityCount: sql<number>`sum(${executionRollups.qualityCount})`,
    })
    .from(executionRollups)
    .where(rollupConditions(executionRollups, f))
    .groupBy(slot, executionRollups.deploymentId, executionRollups.releaseId);
}

/** Latency histogram counts per (time slot, latency bucket). */
export function histogramBySlot(db: Database, f: RollupFilter, slotMs: number) {
  const slot = slotOf(latencyHistogram.bucketStart, slotMs);
  return db
    .select({ slot, latencyBucket: latencyHistogram.latencyBucket, count: sql<number>`sum(${latencyHistogram.count})` })
    .from(latencyHistogram)
    .where(rollupConditions(latencyHistogram, f))
    .groupBy(slot, latencyHistogram.latencyBucket);
}

/** Latency histogram counts per (deployment, release, latency bucket) over the whole range. */
export function histogramByRelease(db: Database, f: RollupFilter) {
  return db
    .select({
      deploymentId: latencyHistogram.deploymentId,
      releaseId: latencyHistogram.releaseId,
      latencyBucket: latencyHistogram.latencyBucket,
      count: sql<number>`sum(${latencyHistogram.count})`,
    })
    .from(latencyHistogram)
    .where(rollupConditions(latencyHistogram, f))
    .groupBy(latencyHistogram.deploymentId, latencyHistogram.releaseId, latencyHistogram.latencyBucket);
}

/** Quality samples that did not come from an execution's own score: evaluator scores of a test-suite run, say. */
export interface QualitySamples {
  workspaceId: string;
  environmentId: string;
  deploymentId: string;
  releaseId: string;
  /** When the samples were taken, ms since the epoch; they count in that hour. */
  at: number;
  /** The sum of the scores (each 0–1) and how many there were. */
  sum: number;
  count: number;
}

/**
 * Adds quality samples to a release's rollup hour, so the metrics' mean
 * quality includes them. Executions are not counted. Returns a statement, so
 * the caller can commit it in the same batch as whatever produced the scores;
 * retention removes it with the hour.
 *
 * @example
 * await runBatch(db, [completeRun(...), addQualitySamples(db, { workspaceId, environmentId,
 *   deploymentId, releaseId, at: Date.now(), sum: 7.5, count: 10 })]);
 */
export function addQualitySamples(db: Database, s: QualitySamples) {
  // Scores are 0–1, so a sum outside [0, count] is a caller's bug, not data to store.
  if (!Number.isInteger(s.count) || s.count < 1 || !(s.sum >= 0 && s.sum <= s.count)) {
    throw new Error(`quality samples need count >= 1 and 0 <= sum <= count (got sum ${s.sum}, count ${s.count})`);
  }
  return db
    .insert(executionRollups)
    .values({
      workspaceId: s.workspaceId,
      environmentId: s.environmentId,
      deploymentId: s.deploymentId,
      releaseId: s.releaseId,
      bucketStart: rollupHour(s.at),
      qualitySum: s.sum,
      qualityCount: s.count,
    })
    .onConflictDoUpdate({
      target: [executionRollups.environmentId, executionRollups.deploymentId, executionRollups.releaseId, executionRollups.bucketStart],
      set: {
        qualitySum: sql`${executionRollups.qualitySum} + excluded.quality_sum`,
        qualityCount: sql`${executionRollups.qualityCount} + excluded.quality_count`,
      },
    });
}

/** Deletes up to `limit` of an environment's rollup rows from hours before `cutoff`. */
export function deleteRollupsBefore(db: Database, workspaceId: string, environmentId: string, cutoff: number, limit: number) {
  const doomed = db
    .select({ rowid: sql`rowid` })
    .from(executionRollups)
    .where(and(eq(executionRollups.workspaceId, workspaceId), eq(executionRollups.environmentId, environmentId), lt(executionRollups.bucketStart, cutoff)))
    .limit(limit);
  return db.delete(executionRollups).where(and(eq(executionRollups.workspaceId, workspaceId), inArray(sql`rowid`, doomed)));
}

/** Deletes up to `limit` of an environment's latency histogram rows from hours before `cutoff`. */
export function deleteHistogramBefore(db: Database, workspaceId: string, environmentId: string, cutoff: number, limit: number) {
  const doomed = db
    .select({ rowid: sql`rowid` })
    .from(latencyHistogram)
    .where(and(eq(latencyHistogram.workspaceId, workspaceId), eq(latencyHistogram.environmentId, environmentId), lt(latencyHistogram.bucketStart, cutoff)))
    .limit(limit);
  return db.delete(latencyHistogram).where(and(eq(latencyHistogram.workspaceId, workspaceId), inArray(sql`rowid`, doomed)));
}
