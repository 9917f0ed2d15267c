import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { getTestSuite } from "../../testing/test-suites";
import { TestSuiteParams, TestSuiteSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/test-suites/{id}",
  tags: ["Test suites"],
  summary: "Get a test suite",
  description: "The `ETag` is the revision, for `If-Match` on PATCH.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { params: TestSuiteParams },
  responses: { 200: jsonResponse(TestSuiteSchema, "The test suite"), ...problems(400, 401, 403, 404) },
});

export function registerGetTestSuite(router: Router) {
  router.openapi(route, async (c) => {
    const suite = unwrap(await getTestSuite(c.get("deps"), c.get("principal"), c.req.valid("param").id));
    c.header("ETag", `"${suite.revision}"`);
    return c.json(suite, 200);
  });
}
