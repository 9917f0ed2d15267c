import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { IdParams, jsonResponse, keySecurity, optionalJsonBody, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { decidePromotion } from "../../releases/promotion-requests";
import { DecidedPromotionSchema, DecisionBody } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/v1/promotion-requests/{id}/reject",
  tags: ["Promotion requests"],
  summary: "Reject a promotion request",
  description: "Needs `approve` in the target environment. The request (pending, or approved and waiting) is closed without a release.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("approve")] as const,
  request: { params: IdParams, body: optionalJsonBody(DecisionBody) },
  // The same responses as an approval: both answer with the request as the decision left it.
  responses: {
    200: jsonResponse(DecidedPromotionSchema, "The request after the decision"),
    201: jsonResponse(DecidedPromotionSchema, "The approval released the promotion"),
    ...problems(400, 401, 403, 404, 409, 415),
  },
});

export function registerRejectPromotionRequest(router: Router) {
  router.openapi(route, async (c) => {
    const result = unwrap(await decidePromotion(c.get("deps"), c.get("principal"), c.req.valid("param").id, "reject", c.req.valid("json").comment ?? ""));
    return c.json(result, result.status === "executed" ? 201 : 200);
  });
}
