import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { IdParams, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { getPromotionRequest } from "../../releases/promotion-requests";
import { PromotionRequestSchema } from "../releases/schemas";

const route = createRoute({
  method: "get",
  path: "/v1/promotion-requests/{id}",
  tags: ["Promotion requests"],
  summary: "Get a promotion request",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { params: IdParams },
  responses: { 200: jsonResponse(PromotionRequestSchema, "The promotion request"), ...problems(400, 401, 403, 404) },
});

export function registerGetPromotionRequest(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await getPromotionRequest(c.get("deps"), c.get("principal"), c.req.valid("param").id)), 200);
  });
}
