import { createRoute, z } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { submitActuals } from "../../executions/executions";
import { EnvironmentQuery, jsonBody, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { SubmitActualsBody } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/v1/submit-completion-actuals",
  tags: ["Execute (Vellum-compatible)"],
  summary: "Submit quality feedback on executions",
  description: "Vellum's completion actuals: a quality score (0–1), the text that should have come out, and metadata, per execution (by `id` or `external_id`).",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("execute")] as const,
  request: { query: EnvironmentQuery, body: jsonBody(SubmitActualsBody) },
  responses: { 200: jsonResponse(z.object({ updated: z.number().int() }), "How many executions were updated"), ...problems(400, 401, 403, 404, 415) },
});

export function registerSubmitActuals(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await submitActuals(c.get("deps"), c.get("principal"), c.req.valid("query").environment, c.req.valid("json"))), 200);
  });
}
