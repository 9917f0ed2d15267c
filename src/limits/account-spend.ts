import { and, eq, inArray, sql } from "drizzle-orm";
import type { Deps } from "../context";
import { guard, runBatch } from "../db/batch";
import { isGuardViolation } from "../db/d1-errors";
import { environmentDailySpend, environments } from "../db/schema";
import { log } from "../lib/log";
import type { WebhookEventType } from "../webhooks/event-types";
import { outboxWrites, type RelayDeps, relayEvents, webhookEvent } from "../webhooks/outbox";
import { publishLimits } from "./publish-limits";
import { type Crossing, markExhaustedUnpublished, recomputeDailySpend } from "./spend-repository";
import { nextUtcDayStart, utcDay, utcDayBounds } from "./utc-day";

export type SpendDeps = Pick<Deps, "db" | "kv" | "now" | "newId"> & Pick<RelayDeps, "webhooks">;

/** The share of the budget at which `budget.warning` goes out. */
export const WARNING_SHARE = 0.8;

const THRESHOLDS: { type: WebhookEventType; column: "warnedAt" | "exhaustedAt"; share: number }[] = [
  { type: "budget.warning", column: "warnedAt", share: WARNING_SHARE },
  { type: "budget.exhausted", column: "exhaustedAt", share: 1 },
];

/**
 * Brings today's spend of every environment with a budget up to date, once
 * the queue consumer has written a batch of execution records, and acts on
 * what crossed: `budget.warning` at 80% and `budget.exhausted` at 100%, each
 * once per environment and UTC day, and the environment's KV limits entry
 * republished as exhausted so the invoke routes refuse.
 *
 * Never throws: the records are written, and the next batch recomputes the
 * spend from scratch anyway. A failure is logged.
 */
export async function accountDailySpend(deps: SpendDeps): Promise<void> {
  try {
    const now = deps.now();
    const day = utcDay(now);
    await recomputeDailySpend(deps.db, day, utcDayBounds(day), now.toISOString());
    await announceCrossings(deps, day);
    const exhausted = await markExhaustedUnpublished(deps.db, day);
    await publishExhausted(deps, exhausted);
  } catch (error) {
    log.error("daily spend could not be accounted", { error });
  }
}

/**
 * Sends each threshold's event for the environments whose spend reached it
 * today, at most once: the event goes into the outbox in the same batch
 * that marks the row, guarded on the mark still being unset, so two
 * consumers racing for one crossing send it once.
 */
async function announceCrossings(deps: SpendDeps, day: string) {
  const rows = await deps.db
    .select({ spend: environmentDailySpend, name: environments.name, budget: environments.dailyBudgetUsd })
    .from(environmentDailySpend)
    .innerJoin(environments, eq(environments.id, environmentDailySpend.environmentId))
    .where(
      and(
        eq(environmentDailySpend.day, day),
        sql`(${environmentDailySpend.warnedAt} IS NULL OR ${environmentDailySpend.exhaustedAt} IS NULL) AND ${environmentDailySpend.spentUsd} >= ${WARNING_SHARE} * ${environments.dailyBudgetUsd}`,
      ),
    );
  for (const { spend, name, budget } of rows) {
    if (budget === null) continue;
    for (const threshold of THRESHOLDS) {
      if (spend[threshold.column] !== null || spend.spentUsd < threshold.share * budget) continue;
      const event = webhookEvent(deps, {
        type: threshold.type,
        workspaceId: spend.workspaceId,
        environment: { id: spend.environmentId, name },
        data: { budget: { day, daily_budget_usd: budget, spent_usd: spend.spentUsd, share: threshold.share, resets_at: nextUtcDayStart(day) } },
      });
      const column = threshold.column === "warnedAt" ? environmentDailySpend.warnedAt : environmentDailySpend.exhaustedAt;
      const rowIs = and(eq(environmentDailySpend.environmentId, spend.environmentId), eq(environmentDailySpend.day, day));
      try {
        await runBatch(deps.db, [
          guard(deps.db, spend.workspaceId, sql`EXISTS (SELECT 1 FROM ${environmentDailySpend} WHERE ${rowIs} AND ${column} IS NULL)`),
          deps.db
            .update(environmentDailySpend)
            .set({ [threshold.column]: event.event.created_at })
            .where(and(rowIs, eq(environmentDailySpend.workspaceId, spend.workspaceId))),
          ...outboxWrites(deps.db, [event]),
        ]);
      } catch (error) {
        // Another consumer marked it first, and its event is the one that goes.
        if (isGuardViolation(error)) continue;
        throw error;
      }
      await relayEvents(deps, [event]);
    }
  }
}

async function publishExhausted(deps: SpendDeps, crossings: Crossing[]) {
  if (crossings.length === 0) return;
  const rows = await deps.db
    .select()
    .from(environments)
    .where(
      inArray(
        environments.id,
        crossings.map((c) => c.environment_id),
      ),
    );
  // Visible in this location at once, elsewhere within KV's ~60 s; the invoke path then refuses.
  await Promise.all(rows.map((env) => publishLimits(deps, env)));
}
