import { createRoute } from "@hono/zod-openapi";
import { rotateKey } from "../../access/api-keys";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonResponse, keySecurity, optionalJsonBody, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { ApiKeyParams, RotateApiKeyBody, RotatedApiKeySchema } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/v1/api-keys/{id}/rotate",
  tags: ["API keys"],
  summary: "Rotate an API key",
  description: "Issues a replacement with the same name, environment, scopes and expiry. The old key keeps working for `grace_period_seconds`.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("admin")] as const,
  request: { params: ApiKeyParams, body: optionalJsonBody(RotateApiKeyBody) },
  responses: { 201: jsonResponse(RotatedApiKeySchema, "The replacement key, with its secret"), ...problems(400, 401, 403, 404, 409, 415) },
});

export function registerRotateApiKey(router: Router) {
  router.openapi(route, async (c) => {
    const { grace_period_seconds } = c.req.valid("json");
    return c.json(unwrap(await rotateKey(c.get("deps"), c.get("principal"), c.req.valid("param").id, grace_period_seconds)), 201);
  });
}
