import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { idempotent } from "../../idempotency/middleware";
import { unwrap } from "../../lib/result";
import { redeliver } from "../../webhooks/webhooks";
import { DeliveryParams, DeliverySchema } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver",
  tags: ["Webhooks"],
  summary: "Send a delivery again",
  description:
    "Sends a delivery that succeeded or failed once more, with the same event id (`webhook-id`) and a fresh round of attempts. A delivery still being retried answers 409 `DELIVERY_PENDING`; an inactive webhook answers 409 `WEBHOOK_INACTIVE` (activate it first).",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("admin"), idempotent] as const,
  request: { params: DeliveryParams },
  responses: { 202: jsonResponse(DeliverySchema, "The delivery, pending again"), ...problems(400, 401, 403, 404, 409) },
});

export function registerRedeliver(router: Router) {
  router.openapi(route, async (c) => {
    const { id, delivery_id } = c.req.valid("param");
    return c.json(unwrap(await redeliver(c.get("deps"), c.get("principal"), id, delivery_id)), 202);
  });
}
