import type { Context } from "hono";
import type { AppEnv } from "../../context";
import type { RateLimit } from "../../invoke/execute-prompt";
import { ApiError } from "../../lib/problem";

/** Headers every invoke response carries: which release served it, and where the time went. */
export function invokeHeaders(c: Context<AppEnv>, releaseId: string) {
  c.header("X-Release-Id", releaseId);
  c.header("Server-Timing", c.get("timing").header());
}

/** The provider rate limited the call: answers 429 with its Retry-After instead of a result. */
export function passOnRateLimit(c: Context<AppEnv>, rateLimit: RateLimit): never {
  if (rateLimit.retryAfter) c.header("Retry-After", rateLimit.retryAfter);
  throw new ApiError("UPSTREAM_RATE_LIMITED", rateLimit.detail);
}
