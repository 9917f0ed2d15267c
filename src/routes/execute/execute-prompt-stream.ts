import { createRoute, z } from "@hono/zod-openapi";
import { authenticateInvoke, requireAnyScope } from "../../access/authenticate-request";
import { EnvironmentQuery, jsonBody, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { executePromptStream } from "../../invoke/execute-prompt";
import { unwrap } from "../../lib/result";
import { enforceInvokeLimits } from "../../limits/enforce-invoke-limits";
import { NDJSON_HEADERS, ndjsonStream } from "./ndjson";
import { invokeHeaders, modelHeader, passOnRateLimit } from "./respond";
import { ExecutePromptBody } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/v1/execute-prompt-stream",
  tags: ["Execute (Vellum-compatible)"],
  summary: "Execute a prompt deployment, streaming",
  description:
    "Newline-delimited JSON events, as Vellum's client reads them: INITIATED, STREAMING (one per text delta), then FULFILLED or REJECTED. Retries and `fallback_models` apply only until the first delta; a failure once streaming has begun is a REJECTED event. `X-Model` names the model whose answer is streamed.",
  security: keySecurity,
  middleware: [authenticateInvoke, requireAnyScope("execute"), enforceInvokeLimits] as const,
  request: { query: EnvironmentQuery, body: jsonBody(ExecutePromptBody) },
  responses: {
    200: { description: "The event stream", content: { "application/x-ndjson": { schema: z.string() } } },
    ...problems(400, 401, 403, 404, 413, 415, 429),
  },
});

export function registerExecutePromptStream(router: Router) {
  router.openapi(route, async (c) => {
    const execution = unwrap(
      await executePromptStream(c.get("deps"), c.executionCtx, c.get("principal"), c.req.valid("query").environment, c.req.valid("json"), c.get("timing"), c.req.raw),
    );
    invokeHeaders(c, execution);
    modelHeader(c, execution.model);
    if (execution.rateLimit) passOnRateLimit(c, execution.rateLimit);
    // The route's typings know JSON and text bodies only; an NDJSON stream is neither.
    return c.body(ndjsonStream(execution.events), 200, NDJSON_HEADERS) as never;
  });
}
