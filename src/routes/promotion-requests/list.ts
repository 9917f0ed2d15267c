import { createRoute, z } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { EnvironmentQuery, jsonResponse, keySecurity, PaginationQuery, pageOf, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { listPromotionRequestsFor } from "../../releases/promotion-requests";
import { PromotionRequestSchema } from "../releases/schemas";

const route = createRoute({
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

export function registerListPromotionRequests(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await listPromotionRequestsFor(c.get("deps"), c.get("principal"), c.req.valid("query"))), 200);
  });
}
