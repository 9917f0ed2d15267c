import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { EnvironmentQuery, jsonBody, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { executeWorkflow } from "../../invoke/execute-workflow";
import { unwrap } from "../../lib/result";
import { enforceInvokeLimits } from "../../limits/enforce-invoke-limits";
import { invokeHeaders } from "./respond";
import { ExecuteWorkflowBody, ExecuteWorkflowResponse } from "./workflow-schemas";

const route = createRoute({
  method: "post",
  path: "/v1/execute-workflow",
  tags: ["Execute (Vellum-compatible)"],
  summary: "Execute a workflow deployment",
  description:
    "Runs the release a tag names (default LATEST) in the key's environment. A failing node makes the result REJECTED, naming the node. `nodes` gives every node's status and timing.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("execute"), enforceInvokeLimits] as const,
  request: { query: EnvironmentQuery, body: jsonBody(ExecuteWorkflowBody) },
  responses: { 200: jsonResponse(ExecuteWorkflowResponse, "FULFILLED or REJECTED"), ...problems(400, 401, 403, 404, 413, 415, 429) },
});

export function registerExecuteWorkflow(router: Router) {
  router.openapi(route, async (c) => {
    const execution = unwrap(await executeWorkflow(c.get("deps"), c.executionCtx, c.get("principal"), c.req.valid("query").environment, c.req.valid("json"), c.req.raw));
    invokeHeaders(c, execution);
    return c.json(execution.result, 200);
  });
}
