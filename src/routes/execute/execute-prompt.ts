import { createRoute } from "@hono/zod-openapi";
import { unwrap } from "../../lib/result";
import { authenticateInvoke, requireAnyScope } from "../../access/authenticate-request";
import { completePrompt } from "../../runtime/run-prompt";
import { executionMeta, preparePrompt, releaseServed, runtimeContext } from "../../invoke/prepare-prompt";
import { EnvironmentQuery, jsonBody, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { finishExecution, invokeHeaders } from "./respond";
import { ExecutePromptBody, ExecutePromptResponse } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/v1/execute-prompt",
  tags: ["Execute (Vellum-compatible)"],
  summary: "Execute a prompt deployment",
  description:
    "Runs the release a tag names (default LATEST) in the key's environment. Provider failures are a REJECTED result with HTTP 200; a provider's rate limit is passed on as 429 with Retry-After. `X-Release-Id` names the release that served the call; `Server-Timing` breaks down auth, resolve, render and model time.",
  security: keySecurity,
  middleware: [authenticateInvoke, requireAnyScope("execute")] as const,
  request: { query: EnvironmentQuery, body: jsonBody(ExecutePromptBody) },
  responses: { 200: jsonResponse(ExecutePromptResponse, "FULFILLED or REJECTED"), ...problems(400, 401, 403, 404, 413, 415) },
});

export function registerExecutePrompt(router: Router) {
  router.openapi(route, async (c) => {
    const request = c.req.valid("json");
    const prepared = unwrap(await preparePrompt(c.get("deps"), c.get("principal"), c.req.valid("query").environment, request, c.get("timing"), c.req.raw));
    const outcome = "outcome" in prepared.rendered ? prepared.rendered.outcome : await completePrompt(runtimeContext(c.get("deps")), prepared.spec, prepared.rendered.messages, prepared.env);
    c.get("timing").lap("model");
    const latency = c.get("deps").now().getTime() - prepared.startedAt;
    finishExecution(c, prepared, request, outcome, latency);
    invokeHeaders(c, prepared);
    const common = { execution_id: prepared.executionId, meta: executionMeta(prepared, outcome, latency), release: releaseServed(prepared) };
    return c.json(
      outcome.status === "FULFILLED"
        ? { state: "FULFILLED" as const, outputs: [{ type: "STRING" as const, value: outcome.text }], ...common }
        : { state: "REJECTED" as const, error: outcome.error, ...common },
      200,
    );
  });
}
