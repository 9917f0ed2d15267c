import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonResponse, keySecurity, PaginationQuery, pageOf, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { listDeliveriesFor } from "../../webhooks/webhooks";
import { DeliverySchema, WebhookParams } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/webhooks/{id}/deliveries",
  tags: ["Webhooks"],
  summary: "A webhook's delivery log",
  description: "Every event sent to the webhook, newest first, with each attempt: when, the receiver's status or the error, and how long it took.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("admin")] as const,
  request: { params: WebhookParams, query: PaginationQuery },
  responses: { 200: jsonResponse(pageOf(DeliverySchema), "A page of deliveries, newest first"), ...problems(400, 401, 403, 404) },
});

export function registerListDeliveries(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await listDeliveriesFor(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("query"))), 200);
  });
}
