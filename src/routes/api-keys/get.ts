import { createRoute } from "@hono/zod-openapi";
import { getKey } from "../../access/api-keys";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { ApiKeyParams, ApiKeySchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/api-keys/{id}",
  tags: ["API keys"],
  summary: "Get an API key",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("admin")] as const,
  request: { params: ApiKeyParams },
  responses: { 200: jsonResponse(ApiKeySchema, "The key, without its secret"), ...problems(400, 401, 403, 404) },
});

export function registerGetApiKey(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await getKey(c.get("deps"), c.get("principal"), c.req.valid("param").id)), 200);
  });
}
