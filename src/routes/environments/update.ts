import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { updateEnvironmentSettings } from "../../environments/environments";
import { jsonBody, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { EnvironmentParams, EnvironmentSchema, UpdateEnvironmentBody } from "./schemas";

const route = createRoute({
  method: "patch",
  path: "/v1/environments/{name}",
  tags: ["Environments"],
  summary: "Change an environment's settings",
  description: "Needs a workspace key with the `admin` scope. The name cannot change.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("admin")] as const,
  request: { params: EnvironmentParams, body: jsonBody(UpdateEnvironmentBody) },
  responses: { 200: jsonResponse(EnvironmentSchema, "The updated environment"), ...problems(400, 401, 403, 404, 413, 415) },
});

export function registerUpdateEnvironment(router: Router) {
  router.openapi(route, async (c) => {
    const { name } = c.req.valid("param");
    return c.json(unwrap(await updateEnvironmentSettings(c.get("deps"), c.get("principal"), name, c.req.valid("json"))), 200);
  });
}
