import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonResponse, keySecurity, PaginationQuery, pageOf, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { listTestSuitesFor } from "../../testing/test-suites";
import { TestSuiteSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/test-suites",
  tags: ["Test suites"],
  summary: "List test suites",
  description: "Test suites are shared by every environment; any key with `read` somewhere sees them.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { query: PaginationQuery },
  responses: { 200: jsonResponse(pageOf(TestSuiteSchema), "A page of test suites, newest first"), ...problems(400, 401, 403) },
});

export function registerListTestSuites(router: Router) {
  router.openapi(route, async (c) => {
    const { cursor, limit } = c.req.valid("query");
    return c.json(unwrap(await listTestSuitesFor(c.get("deps"), c.get("principal"), cursor, limit)), 200);
  });
}
