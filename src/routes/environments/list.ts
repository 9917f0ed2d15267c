import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { listEnvironmentsFor } from "../../environments/environments";
import { jsonResponse, keySecurity, PaginationQuery, pageOf, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { EnvironmentSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/environments",
  tags: ["Environments"],
  summary: "List environments",
  description: "A workspace key sees every environment; an environment key sees its own.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { query: PaginationQuery },
  responses: { 200: jsonResponse(pageOf(EnvironmentSchema), "A page of environments"), ...problems(400, 401, 403) },
});

export function registerListEnvironments(router: Router) {
  router.openapi(route, async (c) => {
    const { cursor, limit } = c.req.valid("query");
    return c.json(unwrap(await listEnvironmentsFor(c.get("deps"), c.get("principal"), cursor, limit)), 200);
  });
}
