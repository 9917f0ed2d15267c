import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { listExecutionsFor } from "../../executions/executions";
import { jsonResponse, keySecurity, pageOf, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { ExecutionSchema, ListExecutionsQuery } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/executions",
  tags: ["Executions"],
  summary: "List executions",
  description: "This environment's executions, newest first. Records arrive through a queue, usually within a second or two of the call.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { query: ListExecutionsQuery },
  responses: { 200: jsonResponse(pageOf(ExecutionSchema), "A page of executions"), ...problems(400, 401, 403, 404) },
});

export function registerListExecutions(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await listExecutionsFor(c.get("deps"), c.get("principal"), c.req.valid("query"))), 200);
  });
}
