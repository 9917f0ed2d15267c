import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonBody, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { idempotent } from "../../idempotency/middleware";
import { unwrap } from "../../lib/result";
import { createTestSuite } from "../../testing/test-suites";
import { CreateTestSuiteBody, TestSuiteSchema } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/v1/test-suites",
  tags: ["Test suites"],
  summary: "Create a test suite",
  description:
    "Cases with inputs and assertions, at revision 1, shared by every environment. Needs `deploy` somewhere. Regular expressions and JSON Schemas are checked now (400 naming the field); inputs are checked against what the suite runs on, when it runs.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("deploy"), idempotent] as const,
  request: { body: jsonBody(CreateTestSuiteBody) },
  responses: { 201: jsonResponse(TestSuiteSchema, "The new test suite"), ...problems(400, 401, 403, 409, 413, 415, 422) },
});

export function registerCreateTestSuite(router: Router) {
  router.openapi(route, async (c) => {
    const suite = unwrap(await createTestSuite(c.get("deps"), c.get("principal"), c.req.valid("json")));
    c.header("ETag", `"${suite.revision}"`);
    return c.json(suite, 201);
  });
}
