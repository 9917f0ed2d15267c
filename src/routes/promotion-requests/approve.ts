import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { IdParams, keySecurity, optionalJsonBody } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { decidePromotion } from "../../releases/promotion-requests";
import { DecisionBody, decisionResponses } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/v1/promotion-requests/{id}/approve",
  tags: ["Promotion requests"],
  summary: "Approve a promotion request",
  description:
    "Needs `approve` in the target environment, from a key other than the requester's; each key counts once. The approval that reaches `required_approvals` releases the promotion (201 with the new release) if the environment's test gate passes on this release and no freeze window is in force; otherwise the request becomes `approved` with a `blocked_reason` (200) and lands by itself once a passing test run or the end of the freeze allows it. Before that, 200.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("approve")] as const,
  request: { params: IdParams, body: optionalJsonBody(DecisionBody) },
  responses: decisionResponses,
});

export function registerApprovePromotionRequest(router: Router) {
  router.openapi(route, async (c) => {
    const result = unwrap(await decidePromotion(c.get("deps"), c.get("principal"), c.req.valid("param").id, "approve", c.req.valid("json").comment ?? ""));
    return c.json(result, result.status === "executed" ? 201 : 200);
  });
}
