import type { Deps } from "../context";
import { edgeKeys, type InvokeLimits } from "../edge/keys";
import type { EnvironmentRow } from "../environments/repository";
import { findDailySpend, setPublishedExhaustion } from "./spend-repository";
import { utcDay } from "./utc-day";

/**
 * Writes an environment's {@link InvokeLimits} to KV from D1: its rate
 * limits, its budget and whether today's spend has reached it. Called with
 * every publish of the environment (so raising the budget lifts the refusal)
 * and by the queue consumer when a day's spend reaches the budget. An
 * environment that sets no limit has no entry, and the invoke path checks
 * nothing for it.
 */
export async function publishLimits(deps: Pick<Deps, "db" | "kv" | "now">, env: EnvironmentRow): Promise<void> {
  const key = edgeKeys.limits(env.workspaceId, env.name);
  if (env.rateLimitPerMinute === null && env.keyRateLimitPerMinute === null && env.dailyBudgetUsd === null) {
    await deps.kv.delete(key);
    return;
  }
  const day = utcDay(deps.now());
  const spend = env.dailyBudgetUsd === null ? null : await findDailySpend(deps.db, env.workspaceId, env.id, day);
  const spent = spend?.spentUsd ?? 0;
  const exhausted = env.dailyBudgetUsd !== null && spent >= env.dailyBudgetUsd ? { day, spent_usd: spent, budget_usd: env.dailyBudgetUsd } : null;
  const limits: InvokeLimits = {
    environment_id: env.id,
    rate_limit_per_minute: env.rateLimitPerMinute,
    key_rate_limit_per_minute: env.keyRateLimitPerMinute,
    daily_budget_usd: env.dailyBudgetUsd,
    exhausted,
  };
  await deps.kv.put(key, JSON.stringify(limits));
  if (spend && (spend.exhaustedBudgetUsd ?? null) !== (exhausted?.budget_usd ?? null)) {
    await setPublishedExhaustion(deps.db, env.workspaceId, env.id, day, exhausted?.budget_usd ?? null);
  }
}
