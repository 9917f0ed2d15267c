import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { getExecution } from "../../executions/executions";
import { EnvironmentQuery, IdParams, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { ExecutionSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/executions/{id}",
  tags: ["Executions"],
  summary: "Get an execution",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { params: IdParams, query: EnvironmentQuery },
  responses: { 200: jsonResponse(ExecutionSchema, "The execution"), ...problems(400, 401, 403, 404) },
});

export function registerGetExecution(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await getExecution(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("query").environment)), 200);
  });
}
