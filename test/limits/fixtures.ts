import { env } from "cloudflare:workers";
import { BINDING_LIMIT } from "../../src/limits/rate-limits";
import { appWithVariables, call, type TestWorkspace } from "../harness";

/** An execute-prompt body for the "faq" deployment of the lifecycle fixtures. */
export const ask = (question = "What is Stagecraft?") => ({ prompt_deployment_name: "faq", inputs: [{ name: "question", type: "STRING", value: question }] });

/** Changes an environment's settings with the workspace's admin key, failing the test if refused. */
export async function setLimits(ws: TestWorkspace, environment: string, settings: Record<string, unknown>) {
  const res = await call(`/v1/environments/${environment}`, { method: "PATCH", key: ws.adminKey, body: settings });
  if (res.status !== 200) throw new Error(`settings refused: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * The rate limiter counts per minute of the wall clock; a test that must see
 * its requests in one window starts early enough in one.
 */
export async function startOfRateWindow(secondsNeeded = 15) {
  const intoMinute = (Date.now() % 60_000) / 1000;
  if (intoMinute > 60 - secondsNeeded) await new Promise((resolve) => setTimeout(resolve, (60 - intoMinute) * 1000 + 50));
}

/** Executions D1 holds for the environment. */
export async function executionCount(environmentId: string) {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM executions WHERE environment_id = ?").bind(environmentId).first<{ n: number }>();
  return row?.n ?? 0;
}

/** Polls `read` until `done` holds of its value, or about fifteen seconds have passed; returns the last value. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 300 && !done(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

/**
 * The Worker's app with its real `INVOKE_RATE_LIMITER` binding, seen
 * through a shim: the test pool's Miniflare predates the binding's `delta`
 * option, but takes a per-call `limit`, so the shim counts each call as one
 * against `BINDING_LIMIT / delta`, which is the same limit for every value
 * the tests set. Counting, windows and refusals stay the binding's own.
 */
export function appWithRateLimiter() {
  const limiter = env.INVOKE_RATE_LIMITER as unknown as { limit(options: { key: string; limit: number; period: number }): Promise<RateLimitOutcome> };
  const shim: RateLimit = { limit: ({ key, delta = 1 }) => limiter.limit({ key, limit: Math.ceil(BINDING_LIMIT / delta), period: 60 }) };
  return appWithVariables({ INVOKE_RATE_LIMITER: shim } as never);
}
