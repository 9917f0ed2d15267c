import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { createEnvironment } from "../../environments/environments";
import { jsonBody, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { CreateEnvironmentBody, EnvironmentSchema } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/v1/environments",
  tags: ["Environments"],
  summary: "Create an environment",
  description: "Needs a workspace key with the `admin` scope.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("admin")] as const,
  request: { body: jsonBody(CreateEnvironmentBody) },
  responses: { 201: jsonResponse(EnvironmentSchema, "The new environment"), ...problems(400, 401, 403, 409, 413, 415) },
});

export function registerCreateEnvironment(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await createEnvironment(c.get("deps"), c.get("principal"), c.req.valid("json"))), 201);
  });
}
