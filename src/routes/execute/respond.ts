import type { Context } from "hono";
import type { AppEnv } from "../../context";
import type { RolloutArm } from "../../edge/resolve-release";
import type { RateLimit } from "../../invoke/execute-prompt";
import { ApiError } from "../../lib/problem";

/** Headers every invoke response carries: which release served it (and the rollout arm that chose it), and where the time went. */
export function invokeHeaders(c: Context<AppEnv>, served: { releaseId: string; arm: RolloutArm | null }) {
  c.header("X-Release-Id", served.releaseId);
  if (served.arm) c.header("X-Rollout-Arm", `${served.arm.arm}; rollout=${served.arm.rollout_id}; step=${served.arm.step}`);
  c.header("Server-Timing", c.get("timing").header());
}

/** The provider rate limited the call: answers 429 with its Retry-After instead of a result. */
export function passOnRateLimit(c: Context<AppEnv>, rateLimit: RateLimit): never {
  if (rateLimit.retryAfter) c.header("Retry-After", rateLimit.retryAfter);
  throw new ApiError("UPSTREAM_RATE_LIMITED", rateLimit.detail);
}
