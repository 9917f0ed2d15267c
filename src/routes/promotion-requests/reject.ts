import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { IdParams, keySecurity, optionalJsonBody } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { decidePromotion } from "../../releases/promotion-requests";
import { DecisionBody, decisionResponses } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/v1/promotion-requests/{id}/reject",
  tags: ["Promotion requests"],
  summary: "Reject a promotion request",
  description: "Needs `approve` in the target environment. The request (pending, or approved and waiting) is closed without a release.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("approve")] as const,
  request: { params: IdParams, body: optionalJsonBody(DecisionBody) },
  responses: decisionResponses,
});

export function registerRejectPromotionRequest(router: Router) {
  router.openapi(route, async (c) => {
    const result = unwrap(await decidePromotion(c.get("deps"), c.get("principal"), c.req.valid("param").id, "reject", c.req.valid("json").comment ?? ""));
    return c.json(result, result.status === "executed" ? 201 : 200);
  });
}
