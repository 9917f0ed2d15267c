import type { Context } from "hono";
import type { AppEnv } from "../../context";
import type { RolloutArm } from "../../edge/resolve-release";
import type { RateLimit } from "../../invoke/execute-prompt";
import { ApiError } from "../../lib/problem";
import type { ModelServed } from "../../runtime/providers/model-chain";

/**
 * Headers every invoke response carries: which release served it (and the
 * rollout arm that chose it), whether KV failed and the isolate's last known
 * key, pointer or environment served instead (`X-Edge-Stale`), and where
 * the time went.
 */
export function invokeHeaders(c: Context<AppEnv>, served: { releaseId: string; arm: RolloutArm | null }) {
  c.header("X-Release-Id", served.releaseId);
  if (served.arm) c.header("X-Rollout-Arm", `${served.arm.arm}; rollout=${served.arm.rollout_id}; step=${served.arm.step}`);
  if (c.get("deps").edge.stale) c.header("X-Edge-Stale", "true");
  c.header("Server-Timing", c.get("timing").header());
}

/**
 * Which model answered a prompt (or was tried last), and how: `X-Model:
 * openai/gpt-4o-mini; fallback=0; attempts=3` (`fallback` only when a
 * fallback model answered). Absent when no model was called.
 */
export function modelHeader(c: Context<AppEnv>, model: ModelServed | null) {
  if (!model) return;
  const fallback = model.fallbackIndex === null ? "" : `; fallback=${model.fallbackIndex}`;
  c.header("X-Model", `${model.provider}/${model.name}${fallback}; attempts=${model.attempts}`);
}

/** The provider rate limited the call: answers 429 with its Retry-After instead of a result. */
export function passOnRateLimit(c: Context<AppEnv>, rateLimit: RateLimit): never {
  if (rateLimit.retryAfter) c.header("Retry-After", rateLimit.retryAfter);
  throw new ApiError("UPSTREAM_RATE_LIMITED", rateLimit.detail);
}
