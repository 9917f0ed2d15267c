import type { InvokeLimits } from "../edge/keys";

/**
 * The limit every call to the `INVOKE_RATE_LIMITER` binding is counted
 * against, per key and minute, as wrangler.toml declares it. The binding's
 * limit is fixed, so a configured limit L is applied by weight: each
 * invocation adds `ceil(BINDING_LIMIT / L)` to its counter, and the binding
 * refuses once the counter has reached BINDING_LIMIT. That lets through
 * exactly L a minute up to 1,000 a minute, and never more than L above it
 * (see {@link effectiveLimit}).
 */
export const BINDING_LIMIT = 1_000_000;

/** The binding's period, in seconds: a refused caller may retry after at most this long. */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

/** The largest limit a setting may ask for: one invocation then weighs 1. */
export const MAX_RATE_LIMIT_PER_MINUTE = BINDING_LIMIT;

function weightOf(limitPerMinute: number): number {
  return Math.ceil(BINDING_LIMIT / limitPerMinute);
}

/** How many invocations a minute a configured limit really lets through (at most the limit; equal to it up to 1,000). */
export function effectiveLimit(limitPerMinute: number): number {
  return Math.ceil(BINDING_LIMIT / weightOf(limitPerMinute));
}

export interface RateLimitRefusal {
  code: "RATE_LIMITED";
  detail: string;
  retryAfterSeconds: number;
  /** Which limit refused: the key's in this environment, or the environment's. */
  scope: "key" | "environment";
  limitPerMinute: number;
}

/**
 * Counts one invocation against the key's limit, then (only if the key is
 * within it) the environment's, and returns the refusal when either is
 * spent. In that order, a key refused for its own rate takes nothing from
 * the environment's, so one runaway client cannot starve the others. The
 * binding counts per Cloudflare location, in memory there, so a check costs
 * no round trip beyond the location (see docs/architecture.md).
 */
export async function rateLimitRefusal(limiter: RateLimit | undefined, limits: InvokeLimits, keyId: string, environmentName: string): Promise<RateLimitRefusal | null> {
  if (!limiter) return null;
  const spent = async (counter: string, limitPerMinute: number) => !(await limiter.limit({ key: counter, delta: weightOf(limitPerMinute) })).success;
  const refusal = (scope: RateLimitRefusal["scope"], limitPerMinute: number, detail: string): RateLimitRefusal => ({
    code: "RATE_LIMITED",
    detail: `${detail}; retry after ${RATE_LIMIT_PERIOD_SECONDS} seconds`,
    retryAfterSeconds: RATE_LIMIT_PERIOD_SECONDS,
    scope,
    limitPerMinute,
  });
  const perKey = limits.key_rate_limit_per_minute;
  if (perKey !== null && (await spent(`key:${keyId}:${limits.environment_id}`, perKey))) {
    return refusal("key", perKey, `This API key may invoke at most ${perKey} times a minute in environment "${environmentName}" (key_rate_limit_per_minute)`);
  }
  const perEnvironment = limits.rate_limit_per_minute;
  if (perEnvironment !== null && (await spent(`environment:${limits.environment_id}`, perEnvironment))) {
    return refusal("environment", perEnvironment, `Environment "${environmentName}" serves at most ${perEnvironment} invocations a minute (rate_limit_per_minute)`);
  }
  return null;
}
