import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { getWebhook } from "../../webhooks/webhooks";
import { WebhookParams, WebhookSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/webhooks/{id}",
  tags: ["Webhooks"],
  summary: "Get a webhook",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("admin")] as const,
  request: { params: WebhookParams },
  responses: { 200: jsonResponse(WebhookSchema, "The webhook, without its secret"), ...problems(400, 401, 403, 404) },
});

export function registerGetWebhook(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await getWebhook(c.get("deps"), c.get("principal"), c.req.valid("param").id)), 200);
  });
}
