import type { InvokeLimits } from "../edge/keys";
import { nextUtcDayStart, utcDay } from "./utc-day";

export interface BudgetRefusal {
  code: "BUDGET_EXHAUSTED";
  detail: string;
  retryAfterSeconds: number;
}

/** Cents for ordinary amounts; small ones keep their significant digits rather than read as $0.00. */
const usd = (amount: number) => (amount === 0 || amount >= 0.01 ? `$${amount.toFixed(2)}` : `$${amount.toPrecision(2)}`);

/**
 * The refusal while today's spend has reached the environment's daily
 * budget, as the queue consumer last published it; null otherwise. A
 * refusal published on an earlier day no longer holds: each UTC day starts
 * with nothing spent.
 */
export function budgetRefusal(limits: InvokeLimits, environmentName: string, now: Date): BudgetRefusal | null {
  const exhausted = limits.exhausted;
  if (!exhausted || exhausted.day !== utcDay(now)) return null;
  const resetsAt = nextUtcDayStart(exhausted.day);
  return {
    code: "BUDGET_EXHAUSTED",
    detail: `Environment "${environmentName}" has spent ${usd(exhausted.spent_usd)} of its daily budget of ${usd(exhausted.budget_usd)} (daily_budget_usd) on ${exhausted.day} (UTC); invocations resume at ${resetsAt}, or once the budget is raised`,
    retryAfterSeconds: Math.max(1, Math.ceil((Date.parse(resetsAt) - now.getTime()) / 1000)),
  };
}
