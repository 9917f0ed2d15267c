import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { getEnvironment } from "../../environments/environments";
import { jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { EnvironmentParams, EnvironmentSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/environments/{name}",
  tags: ["Environments"],
  summary: "Get an environment",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { params: EnvironmentParams },
  responses: { 200: jsonResponse(EnvironmentSchema, "The environment"), ...problems(400, 401, 403, 404) },
});

export function registerGetEnvironment(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await getEnvironment(c.get("deps"), c.get("principal"), c.req.valid("param").name)), 200);
  });
}
