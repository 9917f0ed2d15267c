import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";
import { edgeKeys, type InvokeLimits } from "../edge/keys";
import { ApiError } from "../lib/problem";
import { budgetRefusal } from "./budget";
import { RATE_LIMIT_PERIOD_SECONDS, rateLimitRefusal } from "./rate-limits";

/**
 * Refuses an invocation, before its body is read, when the environment's
 * daily budget is spent (429 BUDGET_EXHAUSTED, Retry-After until the next
 * UTC day) or the key's or the environment's rate limit is (429
 * RATE_LIMITED, Retry-After and RateLimit headers). Runs after
 * authentication, on the invoke routes only.
 *
 * Reads one KV entry, through the isolate's cache, and no D1: under steady
 * traffic the entry is in memory and the only I/O is the rate-limit
 * binding's, which stays in the Cloudflare location.
 *
 * A request whose environment cannot be told yet (a workspace key that names
 * none, an environment key naming another) passes untouched: the handler
 * refuses it as it would without limits.
 */
export const enforceInvokeLimits = createMiddleware<AppEnv>(async (c, next) => {
  const deps = c.get("deps");
  const principal = c.get("principal");
  const requested = c.req.query("environment");
  const name = principal.environment?.name ?? requested;
  if (name === undefined || (requested !== undefined && requested !== name)) return next();
  const limits = await deps.edge.get<InvokeLimits>(edgeKeys.limits(principal.workspaceId, name));
  if (limits) {
    const budget = budgetRefusal(limits, name, deps.now());
    if (budget) {
      c.header("Retry-After", String(budget.retryAfterSeconds));
      throw new ApiError(budget.code, budget.detail);
    }
    const rate = await rateLimitRefusal(c.env.INVOKE_RATE_LIMITER, limits, principal.keyId, name);
    if (rate) {
      c.header("Retry-After", String(rate.retryAfterSeconds));
      // The binding does not say how much of a window is left, so only refusals carry RateLimit headers (draft-ietf-httpapi-ratelimit-headers).
      c.header("RateLimit-Policy", `"${rate.scope}";q=${rate.limitPerMinute};w=${RATE_LIMIT_PERIOD_SECONDS}`);
      c.header("RateLimit", `"${rate.scope}";r=0;t=${rate.retryAfterSeconds}`);
      throw new ApiError(rate.code, rate.detail);
    }
  }
  await next();
});
