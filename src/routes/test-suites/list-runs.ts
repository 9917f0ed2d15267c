import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonResponse, keySecurity, pageOf, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { listRunsOfSuite } from "../../testing/read-test-runs";
import { ListRunsQuery, TestSuiteParams, TestSuiteRunSummarySchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/test-suites/{id}/runs",
  tags: ["Test suites"],
  summary: "List a test suite's runs",
  description: "Newest first, without per-case results (get a run for those). An environment key sees its environment's release runs and every sandbox run.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { params: TestSuiteParams, query: ListRunsQuery },
  responses: { 200: jsonResponse(pageOf(TestSuiteRunSummarySchema), "A page of runs"), ...problems(400, 401, 403, 404) },
});

export function registerListTestSuiteRuns(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await listRunsOfSuite(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("query"))), 200);
  });
}
