import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { expectedRevision } from "../../http/if-match";
import { jsonBody, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { idempotent } from "../../idempotency/middleware";
import { unwrap } from "../../lib/result";
import { updateTestSuite } from "../../testing/test-suites";
import { TestSuiteParams, TestSuiteSchema, UpdateTestSuiteBody } from "./schemas";

const route = createRoute({
  method: "patch",
  path: "/v1/test-suites/{id}",
  tags: ["Test suites"],
  summary: "Save a new revision of a test suite",
  description:
    'The fields given replace the stored ones; `cases` replaces every case (send a case\'s `id` back to keep its identity). Send `If-Match: "<revision>"` to refuse the save (412 `STALE_REVISION`) if someone saved since you read it; a save that changes nothing makes no revision. Needs `deploy` somewhere.',
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("deploy"), idempotent] as const,
  request: { params: TestSuiteParams, body: jsonBody(UpdateTestSuiteBody) },
  responses: { 200: jsonResponse(TestSuiteSchema, "The test suite at its new revision"), ...problems(400, 401, 403, 404, 409, 412, 413, 415, 422) },
});

export function registerUpdateTestSuite(router: Router) {
  router.openapi(route, async (c) => {
    const revision = expectedRevision(c.req.header("if-match"), "test suite");
    const suite = unwrap(await updateTestSuite(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("json"), revision));
    c.header("ETag", `"${suite.revision}"`);
    return c.json(suite, 200);
  });
}
