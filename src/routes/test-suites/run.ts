import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonBody, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { idempotent } from "../../idempotency/middleware";
import { unwrap } from "../../lib/result";
import { runTestSuite } from "../../testing/run-test-suite";
import { RunTestSuiteBody, TestSuiteParams, TestSuiteRunSchema } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/v1/test-suites/{id}/runs",
  tags: ["Test suites"],
  summary: "Run a test suite against a release or a sandbox draft",
  description:
    "Runs every case through the same runtime as an invocation, a few at a time, and answers when all are done with the stored run: each case's output, error and assertion verdicts, and the pass rate. " +
    "A release is tested in its own environment and needs `read` and `execute` there (a release the key cannot see is 404); a sandbox draft runs in `environment` (default: the key's own) and needs `execute` there. " +
    "Every case's inputs must fit the target's input variables (else 400 naming the case's input, and nothing runs). A case whose run is rejected (an upstream error, a template failing) fails with the error; the run still completes. Runs are not recorded as executions. Accepts `Idempotency-Key`.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("execute"), idempotent] as const,
  request: { params: TestSuiteParams, body: jsonBody(RunTestSuiteBody) },
  responses: { 201: jsonResponse(TestSuiteRunSchema, "The completed run"), ...problems(400, 401, 403, 404, 413, 415) },
});

export function registerRunTestSuite(router: Router) {
  router.openapi(route, async (c) => {
    const run = unwrap(await runTestSuite(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("json")));
    c.header("Location", `/v1/test-suite-runs/${run.id}`);
    return c.json(run, 201);
  });
}
