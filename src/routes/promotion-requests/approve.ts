import { createRoute, z } from "@hono/zod-openapi";
import { unwrap } from "../../lib/result";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { decidePromotion, getPromotionRequest, listPromotionRequestsFor } from "../../releases/promotion-requests";
import { EnvironmentQuery, jsonResponse, keySecurity, optionalJsonBody, PaginationQuery, pageOf, problems } from "../../http/openapi";
import { PromotionRequestSchema, ReleaseSchema } from "../releases/schemas";
import type { Router } from "../../http/router";

const listRoute = createRoute({
  method: "get",
  path: "/v1/promotion-requests",
  tags: ["Promotion requests"],
  summary: "List promotion requests",
  description: "Promotions waiting for (or done with) approval, newest first; filter by `environment` (the target) and `status`.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { query: PaginationQuery.merge(EnvironmentQuery).extend({ status: z.enum(["pending", "approved", "rejected", "expired", "executed"]).optional() }) },
  responses: { 200: jsonResponse(pageOf(PromotionRequestSchema), "A page of promotion requests"), ...problems(400, 401, 403, 404) },
});

const getRoute = createRoute({
  method: "get",
  path: "/v1/promotion-requests/{id}",
  tags: ["Promotion requests"],
  summary: "Get a promotion request",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { params: z.object({ id: z.string().max(64).openapi({ param: { name: "id", in: "path" } }) }) },
  responses: { 200: jsonResponse(PromotionRequestSchema, "The promotion request"), ...problems(400, 401, 403, 404) },
});

const decisionRoute = (decision: "approve" | "reject") =>
  createRoute({
    method: "post",
    path: `/v1/promotion-requests/{id}/${decision}`,
    tags: ["Promotion requests"],
    summary: decision === "approve" ? "Approve a promotion request" : "Reject a promotion request",
    description:
      decision === "approve"
        ? "Needs `approve` in the target environment, from a key other than the requester's; each key counts once. The approval that reaches `required_approvals` releases the promotion (201 with the new release) if the environment's test gate passes on this release and no freeze window is in force; otherwise the request becomes `approved` with a `blocked_reason` (200) and lands by itself once a passing test run or the end of the freeze allows it. Before that, 200."
        : "Needs `approve` in the target environment. The request (pending, or approved and waiting) is closed without a release.",
    security: keySecurity,
    middleware: [authenticate, requireAnyScope("approve")],
    request: {
      params: z.object({ id: z.string().max(64).openapi({ param: { name: "id", in: "path" } }) }),
      body: optionalJsonBody(z.strictObject({ comment: z.string().max(2000).optional() }).openapi("PromotionDecision")),
    },
    responses: {
      200: jsonResponse(PromotionRequestSchema.extend({ release: ReleaseSchema.nullable() }), "The request after the decision"),
      201: jsonResponse(PromotionRequestSchema.extend({ release: ReleaseSchema.nullable() }), "The approval released the promotion"),
      ...problems(400, 401, 403, 404, 409, 415),
    },
  });

export function registerPromotionRequestRoutes(router: Router) {
  for (const decision of ["approve", "reject"] as const) {
    router.openapi(decisionRoute(decision), async (c) => {
      const result = unwrap(await decidePromotion(c.get("deps"), c.get("principal"), c.req.valid("param").id, decision, c.req.valid("json").comment ?? ""));
      return c.json(result, result.status === "executed" ? 201 : 200);
    });
  }
  router.openapi(listRoute, async (c) => c.json(unwrap(await listPromotionRequestsFor(c.get("deps"), c.get("principal"), c.req.valid("query"))), 200));
  router.openapi(getRoute, async (c) => c.json(unwrap(await getPromotionRequest(c.get("deps"), c.get("principal"), c.req.valid("param").id)), 200));
}
