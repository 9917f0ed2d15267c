import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonResponse, keySecurity, pageOf, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { listTestSuitesFor } from "../../testing/test-suites";
import { ListTestSuitesQuery, TestSuiteSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/test-suites",
  tags: ["Test suites"],
  summary: "List test suites",
  description: "Test suites are shared by every environment; any key with `read` somewhere sees them. `?deployment=` keeps only one deployment's suites.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { query: ListTestSuitesQuery },
  responses: { 200: jsonResponse(pageOf(TestSuiteSchema), "A page of test suites, newest first"), ...problems(400, 401, 403) },
});

export function registerListTestSuites(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await listTestSuitesFor(c.get("deps"), c.get("principal"), c.req.valid("query"))), 200);
  });
}
