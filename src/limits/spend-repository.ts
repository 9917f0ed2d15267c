import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { environmentDailySpend, environments, executionRollups } from "../db/schema";

export type DailySpendRow = typeof environmentDailySpend.$inferSelect;

export async function findDailySpend(db: Database, workspaceId: string, environmentId: string, day: string): Promise<DailySpendRow | null> {
  const [row] = await db
    .select()
    .from(environmentDailySpend)
    .where(and(eq(environmentDailySpend.workspaceId, workspaceId), eq(environmentDailySpend.environmentId, environmentId), eq(environmentDailySpend.day, day)));
  return row ?? null;
}

/**
 * Sets the day's spend of every environment that has a budget to the sum of
 * that day's hourly rollups. The rollups count each execution once (their
 * trigger fires only for rows really inserted), so recomputing rather than
 * adding makes a redelivered batch count nothing twice. Scans only the
 * environments with a budget, and at most 24 rollup hours each.
 */
export function recomputeDailySpend(db: Database, day: string, bounds: { start: number; end: number }, now: string) {
  return db.run(sql`
    INSERT INTO ${environmentDailySpend} (environment_id, day, workspace_id, spent_usd, updated_at)
    SELECT e.id, ${day}, e.workspace_id, coalesce(sum(r.cost_usd), 0), ${now}
    FROM ${environments} e
    LEFT JOIN ${executionRollups} r
      ON r.workspace_id = e.workspace_id AND r.environment_id = e.id AND r.bucket_start >= ${bounds.start} AND r.bucket_start < ${bounds.end}
    WHERE e.daily_budget_usd IS NOT NULL
    GROUP BY e.id
    ON CONFLICT (environment_id, day) DO UPDATE SET spent_usd = excluded.spent_usd, updated_at = excluded.updated_at
    WHERE environment_daily_spend.spent_usd <> excluded.spent_usd`);
}

/** The budget of the spend row's environment, for conditions on the row. */
const budgetOfRow = sql`(SELECT e.daily_budget_usd FROM ${environments} e WHERE e.id = ${environmentDailySpend.environmentId})`;

export interface Crossing {
  environment_id: string;
  workspace_id: string;
  spent_usd: number;
}

/**
 * Marks the day's rows whose spend has reached a budget that KV does not yet
 * show as exhausted, and returns them, for publishing.
 */
export function markExhaustedUnpublished(db: Database, day: string) {
  return db.all<Crossing>(sql`
    UPDATE ${environmentDailySpend} SET exhausted_budget_usd = ${budgetOfRow}
    WHERE day = ${day} AND spent_usd >= ${budgetOfRow} AND (exhausted_budget_usd IS NULL OR exhausted_budget_usd <> ${budgetOfRow})
    RETURNING environment_id, workspace_id, spent_usd`);
}

/** Records which budget the KV entry now shows as exhausted (null: none), so the consumer publishes a later crossing again. */
export function setPublishedExhaustion(db: Database, workspaceId: string, environmentId: string, day: string, budgetUsd: number | null) {
  return db
    .update(environmentDailySpend)
    .set({ exhaustedBudgetUsd: budgetUsd })
    .where(and(eq(environmentDailySpend.workspaceId, workspaceId), eq(environmentDailySpend.environmentId, environmentId), eq(environmentDailySpend.day, day)));
}
