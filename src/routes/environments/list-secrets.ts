import { createRoute, z } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { listSecretNames } from "../../environments/secrets";
import { jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { EnvironmentParams, SecretSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/environments/{name}/secrets",
  tags: ["Environment secrets"],
  summary: "List secrets by name",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("admin")] as const,
  request: { params: EnvironmentParams },
  responses: { 200: jsonResponse(z.object({ data: z.array(SecretSchema) }), "The environment's secrets, by name"), ...problems(400, 401, 403, 404) },
});

export function registerListSecrets(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await listSecretNames(c.get("deps"), c.get("principal"), c.req.valid("param").name)), 200);
  });
}
