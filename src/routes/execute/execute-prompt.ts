import { createRoute } from "@hono/zod-openapi";
import { authenticateInvoke, requireAnyScope } from "../../access/authenticate-request";
import { EnvironmentQuery, jsonBody, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { executePrompt } from "../../invoke/execute-prompt";
import { unwrap } from "../../lib/result";
import { enforceInvokeLimits } from "../../limits/enforce-invoke-limits";
import { invokeHeaders, modelHeader, passOnRateLimit } from "./respond";
import { ExecutePromptBody, ExecutePromptResponse } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/v1/execute-prompt",
  tags: ["Execute (Vellum-compatible)"],
  summary: "Execute a prompt deployment",
  description:
    "Runs the release a tag names (default LATEST) in the key's environment. Provider failures are a REJECTED result with HTTP 200; a provider's rate limit is passed on as 429 with Retry-After. Transient provider failures (connection errors, 5xx, 429) are retried with backoff, then the spec's `fallback_models` are tried in order, all within UPSTREAM_TIMEOUT_MS. `X-Release-Id` names the release that served the call and `X-Model` the model that answered; `Server-Timing` breaks down auth, resolve, render and model time.",
  security: keySecurity,
  middleware: [authenticateInvoke, requireAnyScope("execute"), enforceInvokeLimits] as const,
  request: { query: EnvironmentQuery, body: jsonBody(ExecutePromptBody) },
  responses: { 200: jsonResponse(ExecutePromptResponse, "FULFILLED or REJECTED"), ...problems(400, 401, 403, 404, 413, 415, 429) },
});

export function registerExecutePrompt(router: Router) {
  router.openapi(route, async (c) => {
    const execution = unwrap(
      await executePrompt(c.get("deps"), c.executionCtx, c.get("principal"), c.req.valid("query").environment, c.req.valid("json"), c.get("timing"), c.req.raw),
    );
    invokeHeaders(c, execution);
    modelHeader(c, execution.model);
    if (execution.rateLimit) passOnRateLimit(c, execution.rateLimit);
    return c.json(execution.result, 200);
  });
}
