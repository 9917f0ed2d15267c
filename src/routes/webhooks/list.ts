import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { EnvironmentQuery, jsonResponse, keySecurity, PaginationQuery, pageOf, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { listWebhooksFor } from "../../webhooks/webhooks";
import { WebhookSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/webhooks",
  tags: ["Webhooks"],
  summary: "List an environment's webhooks",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("admin")] as const,
  request: { query: PaginationQuery.merge(EnvironmentQuery) },
  responses: { 200: jsonResponse(pageOf(WebhookSchema), "A page of webhooks, newest first"), ...problems(400, 401, 403, 404) },
});

export function registerListWebhooks(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await listWebhooksFor(c.get("deps"), c.get("principal"), c.req.valid("query"))), 200);
  });
}
