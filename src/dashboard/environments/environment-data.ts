import { hasScope } from "../../access/permissions";
import type { Deps, Principal } from "../../context";
import { edgeKeys, type InvokeLimits } from "../../edge/keys";
import { type EnvironmentView, getEnvironment } from "../../environments/environments";
import { listSecretNames, type SecretView } from "../../environments/secrets";
import { ok, type Result } from "../../lib/result";
import { budgetRefusal } from "../../limits/budget";
import { findDailySpend } from "../../limits/spend-repository";
import { nextUtcDayStart, utcDay } from "../../limits/utc-day";
import { listWebhooksFor, type WebhookView } from "../../webhooks/webhooks";
import { type KeyNames, keyNames } from "../key-names";

/** Webhooks shown on an environment's page; far more than an environment has. */
const WEBHOOK_LIMIT = 100;

/** What an environment's page shows: its settings and today's spend, and its secrets and webhooks where the key administers it. */
export interface EnvironmentPageData {
  environment: EnvironmentView;
  /** Policy and variables are workspace policy: only workspace admin keys change them (as PATCH /v1/environments/{name}). */
  mayChangeSettings: boolean;
  /** Secret names, or null when the key is not an admin of the environment (the API refuses it the list too). */
  secrets: SecretView[] | null;
  /** Webhooks, or null when the key is not an admin of the environment. */
  webhooks: WebhookView[] | null;
  /** The names of the keys that last set each secret. */
  keyNames: KeyNames;
  /** Today's spend against the daily budget; null when the environment sets none. */
  budget: BudgetToday | null;
}

/** An environment's spend this UTC day against its budget, and whether invocations are refused for it now. */
export interface BudgetToday {
  /** The UTC day, `YYYY-MM-DD`. */
  day: string;
  spentUsd: number;
  budgetUsd: number;
  /** When invocations resume, while the invoke path refuses them for the budget; null while it serves them. */
  refusedUntil: string | null;
}

/**
 * Reads today's spend from D1, and whether invokes are refused from the
 * limits entry the invoke path itself reads (KV): the queue consumer
 * publishes a refusal seconds after the spend reaches the budget, so the
 * two may briefly disagree, and the page says what invokes see.
 */
async function readBudgetToday(deps: Deps, workspaceId: string, environment: EnvironmentView): Promise<BudgetToday | null> {
  if (environment.daily_budget_usd === null) return null;
  const now = deps.now();
  const day = utcDay(now);
  const [spend, limits] = await Promise.all([
    findDailySpend(deps.db, workspaceId, environment.id, day),
    deps.kv.get<InvokeLimits>(edgeKeys.limits(workspaceId, environment.name), "json"),
  ]);
  const refused = limits ? budgetRefusal(limits, environment.name, now) !== null : false;
  return { day, spentUsd: spend?.spentUsd ?? 0, budgetUsd: environment.daily_budget_usd, refusedUntil: refused ? nextUtcDayStart(day) : null };
}

export async function readEnvironmentPage(deps: Deps, principal: Principal, name: string): Promise<Result<EnvironmentPageData>> {
  const environment = await getEnvironment(deps, principal, name);
  if (!environment.ok) return environment;
  const administers = hasScope(principal, "admin", environment.value.id);
  const [[secrets, webhooks], budget] = await Promise.all([
    administers ? Promise.all([listSecretNames(deps, principal, name), listWebhooksFor(deps, principal, { environment: name, limit: WEBHOOK_LIMIT })]) : ([null, null] as const),
    readBudgetToday(deps, principal.workspaceId, environment.value),
  ]);
  const secretList = secrets?.ok ? secrets.value.data : null;
  return ok({
    environment: environment.value,
    mayChangeSettings: hasScope(principal, "admin", null),
    secrets: secretList,
    webhooks: webhooks?.ok ? webhooks.value.data : null,
    keyNames: await keyNames(
      deps,
      principal,
      (secretList ?? []).map((secret) => secret.updated_by),
    ),
    budget,
  });
}
