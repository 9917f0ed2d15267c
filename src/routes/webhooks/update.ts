import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonBody, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { idempotent } from "../../idempotency/middleware";
import { unwrap } from "../../lib/result";
import { changeWebhook } from "../../webhooks/webhooks";
import { UpdateWebhookBody, WebhookParams, WebhookSchema } from "./schemas";

const route = createRoute({
  method: "patch",
  path: "/v1/webhooks/{id}",
  tags: ["Webhooks"],
  summary: "Change a webhook",
  description: "Changes its URL, events, description or whether it is active. The secret stays the same.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("admin"), idempotent] as const,
  request: { params: WebhookParams, body: jsonBody(UpdateWebhookBody) },
  responses: { 200: jsonResponse(WebhookSchema, "The updated webhook"), ...problems(400, 401, 403, 404, 413, 415, 422) },
});

export function registerUpdateWebhook(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await changeWebhook(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("json"))), 200);
  });
}
