import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { removeWebhook } from "../../webhooks/webhooks";
import { WebhookParams, WebhookSchema } from "./schemas";

const route = createRoute({
  method: "delete",
  path: "/v1/webhooks/{id}",
  tags: ["Webhooks"],
  summary: "Delete a webhook",
  description: "Deletes the webhook and its delivery log; deliveries still being retried stop.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("admin")] as const,
  request: { params: WebhookParams },
  responses: { 200: jsonResponse(WebhookSchema, "The deleted webhook"), ...problems(400, 401, 403, 404) },
});

export function registerDeleteWebhook(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await removeWebhook(c.get("deps"), c.get("principal"), c.req.valid("param").id)), 200);
  });
}
