import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { removeEnvironment } from "../../environments/environments";
import { jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { EnvironmentParams, EnvironmentSchema } from "./schemas";

const route = createRoute({
  method: "delete",
  path: "/v1/environments/{name}",
  tags: ["Environments"],
  summary: "Delete an environment",
  description: "Refused with 409 while the environment has releases. Its API keys are deleted with it. Needs a workspace admin key.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("admin")] as const,
  request: { params: EnvironmentParams },
  responses: { 200: jsonResponse(EnvironmentSchema, "The deleted environment"), ...problems(400, 401, 403, 404, 409) },
});

export function registerDeleteEnvironment(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await removeEnvironment(c.get("deps"), c.get("principal"), c.req.valid("param").name)), 200);
  });
}
