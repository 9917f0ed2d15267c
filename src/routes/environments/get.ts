import { createRoute } from "@hono/zod-openapi";
import { unwrap } from "../../lib/result";
import { authenticate, requireAnyScope } from "../../middleware/authenticate";
import { getEnvironment } from "../../services/environments";
import { jsonResponse, keySecurity, problems } from "../openapi-helpers";
import type { Router } from "../router";
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
