import { createRoute, z } from "@hono/zod-openapi";
import { unwrap } from "../../lib/result";
import { authenticate, requireAnyScope } from "../../middleware/authenticate";
import { getPromotionRequest, listPromotionRequestsFor } from "../../services/promotion-requests";
import { EnvironmentQuery, jsonResponse, keySecurity, PaginationQuery, pageOf, problems } from "../openapi-helpers";
import { PromotionRequestSchema } from "../releases/schemas";
import type { Router } from "../router";

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

export function registerPromotionRequestRoutes(router: Router) {
  router.openapi(listRoute, async (c) => c.json(unwrap(await listPromotionRequestsFor(c.var.deps, c.var.principal, c.req.valid("query"))), 200));
  router.openapi(getRoute, async (c) => c.json(unwrap(await getPromotionRequest(c.var.deps, c.var.principal, c.req.valid("param").id)), 200));
}
