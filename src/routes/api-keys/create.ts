import { createRoute } from "@hono/zod-openapi";
import { createKey } from "../../access/api-keys";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonBody, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { CreateApiKeyBody, IssuedApiKeySchema } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/v1/api-keys",
  tags: ["API keys"],
  summary: "Create an API key",
  description: "The response holds the full key, once. Only its SHA-256 hash is stored.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("admin")] as const,
  request: { body: jsonBody(CreateApiKeyBody) },
  responses: { 201: jsonResponse(IssuedApiKeySchema, "The new key, with its secret"), ...problems(400, 401, 403, 404, 413, 415) },
});

export function registerCreateApiKey(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await createKey(c.get("deps"), c.get("principal"), c.req.valid("json"))), 201);
  });
}
