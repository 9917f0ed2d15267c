import { createRoute, z } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { EnvironmentQuery, jsonBody, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { executeWorkflowStream } from "../../invoke/execute-workflow";
import { unwrap } from "../../lib/result";
import { enforceInvokeLimits } from "../../limits/enforce-invoke-limits";
import { NDJSON_HEADERS, ndjsonStream } from "./ndjson";
import { invokeHeaders } from "./respond";
import { ExecuteWorkflowBody } from "./workflow-schemas";

const route = createRoute({
  method: "post",
  path: "/v1/execute-workflow-stream",
  tags: ["Execute (Vellum-compatible)"],
  summary: "Execute a workflow deployment, streaming",
  description: "Newline-delimited JSON events as Vellum's client reads them: WORKFLOW INITIATED, NODE events when `event_types` has NODE, then WORKFLOW FULFILLED or REJECTED.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("execute"), enforceInvokeLimits] as const,
  request: { query: EnvironmentQuery, body: jsonBody(ExecuteWorkflowBody) },
  responses: { 200: { description: "The event stream", content: { "application/x-ndjson": { schema: z.string() } } }, ...problems(400, 401, 403, 404, 413, 415, 429) },
});

export function registerExecuteWorkflowStream(router: Router) {
  router.openapi(route, async (c) => {
    const execution = unwrap(await executeWorkflowStream(c.get("deps"), c.executionCtx, c.get("principal"), c.req.valid("query").environment, c.req.valid("json"), c.req.raw));
    invokeHeaders(c, execution);
    // The route's typings know JSON and text bodies only; an NDJSON stream is neither.
    return c.body(ndjsonStream(execution.events), 200, NDJSON_HEADERS) as never;
  });
}
