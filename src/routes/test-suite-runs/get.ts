import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { IdParams, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { getTestSuiteRun } from "../../testing/read-test-runs";
import { TestSuiteRunSchema } from "../test-suites/schemas";

const route = createRoute({
  method: "get",
  path: "/v1/test-suite-runs/{id}",
  tags: ["Test suites"],
  summary: "Get a test suite run",
  description:
    "With every case's result. A release's run needs `read` in the release's environment (elsewhere it is 404); a sandbox draft's run is visible to any key with `read`.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { params: IdParams },
  responses: { 200: jsonResponse(TestSuiteRunSchema, "The run"), ...problems(400, 401, 403, 404) },
});

export function registerGetTestSuiteRun(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await getTestSuiteRun(c.get("deps"), c.get("principal"), c.req.valid("param").id)), 200);
  });
}
