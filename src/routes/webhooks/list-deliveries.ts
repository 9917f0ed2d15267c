import { createRoute } from "@hono/zod-openapi";
import { unwrap } from "../../lib/result";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { idempotent } from "../../idempotency/middleware";
import { listDeliveriesFor, redeliver } from "../../webhooks/webhooks";
import { jsonResponse, keySecurity, PaginationQuery, pageOf, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { DeliveryParams, DeliverySchema, WebhookParams } from "./schemas";

const listRoute = createRoute({
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

const redeliverRoute = createRoute({
  method: "post",
  path: "/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver",
  tags: ["Webhooks"],
  summary: "Send a delivery again",
  description:
    "Sends a delivery that succeeded or failed once more, with the same event id (`webhook-id`) and a fresh round of attempts. A delivery still being retried answers 409.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("admin"), idempotent] as const,
  request: { params: DeliveryParams },
  responses: { 202: jsonResponse(DeliverySchema, "The delivery, pending again"), ...problems(400, 401, 403, 404, 409) },
});

export function registerDeliveryRoutes(router: Router) {
  router.openapi(listRoute, async (c) => {
    return c.json(unwrap(await listDeliveriesFor(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("query"))), 200);
  });
  router.openapi(redeliverRoute, async (c) => {
    const { id, delivery_id } = c.req.valid("param");
    return c.json(unwrap(await redeliver(c.get("deps"), c.get("principal"), id, delivery_id)), 202);
  });
}
