import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { removeSecret } from "../../environments/secrets";
import { jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { SecretParams, SecretSchema } from "./schemas";

const route = createRoute({
  method: "delete",
  path: "/v1/environments/{name}/secrets/{key}",
  tags: ["Environment secrets"],
  summary: "Delete a secret",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("admin")] as const,
  request: { params: SecretParams },
  responses: { 200: jsonResponse(SecretSchema, "The deleted secret"), ...problems(400, 401, 403, 404) },
});

export function registerDeleteSecret(router: Router) {
  router.openapi(route, async (c) => {
    const { name, key } = c.req.valid("param");
    return c.json(unwrap(await removeSecret(c.get("deps"), c.get("principal"), name, key)), 200);
  });
}
