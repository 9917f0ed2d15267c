import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { EnvironmentQuery, jsonBody, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { refuseIdempotencyKey } from "../../idempotency/middleware";
import { unwrap } from "../../lib/result";
import { createWebhook } from "../../webhooks/webhooks";
import { CreatedWebhookSchema, CreateWebhookBody } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/v1/webhooks",
  tags: ["Webhooks"],
  summary: "Create a webhook",
  description:
    "Subscribes a URL to this environment's events. The response holds the signing secret, once; it is stored encrypted and never shown again. Needs `admin` in the environment. Refuses `Idempotency-Key` (400): a response holding the secret is never stored for replay.",
  security: keySecurity,
  // Not idempotent: a stored response for replay would keep the secret in plain text.
  middleware: [
    authenticate,
    requireAnyScope("admin"),
    refuseIdempotencyKey(
      "the response carries the webhook's signing secret, which is never stored, so it cannot be replayed; list the webhooks to see whether a first attempt created it",
    ),
  ] as const,
  request: { query: EnvironmentQuery, body: jsonBody(CreateWebhookBody) },
  responses: { 201: jsonResponse(CreatedWebhookSchema, "The new webhook, with its signing secret"), ...problems(400, 401, 403, 404, 413, 415, 422) },
});

export function registerCreateWebhook(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await createWebhook(c.get("deps"), c.get("principal"), c.req.valid("query").environment, c.req.valid("json"))), 201);
  });
}
