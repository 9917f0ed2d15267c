import { createRoute } from "@hono/zod-openapi";
import { revokeKey } from "../../access/api-keys";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { ApiKeyParams, ApiKeySchema } from "./schemas";

const route = createRoute({
  method: "delete",
  path: "/v1/api-keys/{id}",
  tags: ["API keys"],
  summary: "Revoke an API key",
  description: "The key stops working from the next request in this location, and everywhere within about a minute.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("admin")] as const,
  request: { params: ApiKeyParams },
  responses: { 200: jsonResponse(ApiKeySchema, "The revoked key"), ...problems(400, 401, 403, 404) },
});

export function registerRevokeApiKey(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await revokeKey(c.get("deps"), c.get("principal"), c.req.valid("param").id)), 200);
  });
}
