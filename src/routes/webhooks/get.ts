import { createRoute } from "@hono/zod-openapi";
import { unwrap } from "../../lib/result";
import { authenticate, requireAnyScope } from "../../middleware/authenticate";
import { getWebhook } from "../../services/webhooks";
import { jsonResponse, keySecurity, problems } from "../openapi-helpers";
import type { Router } from "../router";
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
