import type { Context } from "hono";
import type { AppEnv } from "../../context";
import { ApiError } from "../../lib/problem";
import { enqueueExecution } from "../../invoke/execution-record";
import type { PromptOutcome } from "../../runtime/run-prompt";
import { type ExecutePromptRequest, type PreparedPrompt, promptExecutionRecord } from "../../invoke/prepare-prompt";

/** Headers every invoke response carries: which release served it, and where the time went. */
export function invokeHeaders(c: Context<AppEnv>, prepared: PreparedPrompt) {
  c.header("X-Release-Id", prepared.release.id);
  c.header("Server-Timing", c.get("timing").header());
}

/**
 * Records the execution (through the queue) and, when the provider rate
 * limited the call, answers 429 with its Retry-After instead of a result.
 */
export function finishExecution(c: Context<AppEnv>, prepared: PreparedPrompt, request: ExecutePromptRequest, outcome: PromptOutcome, latencyMs: number) {
  enqueueExecution(c.get("deps"), c.executionCtx, promptExecutionRecord(c.get("principal"), prepared, request, outcome, latencyMs));
  if (outcome.status === "REJECTED" && outcome.rateLimited) {
    invokeHeaders(c, prepared);
    if (outcome.retryAfter) c.header("Retry-After", outcome.retryAfter);
    throw new ApiError("UPSTREAM_RATE_LIMITED", `${outcome.error.message}; retry later (execution ${prepared.executionId})`);
  }
}
