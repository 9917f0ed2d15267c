import { createRoute } from "@hono/zod-openapi";
import { listKeysFor } from "../../access/api-keys";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { EnvironmentQuery, jsonResponse, keySecurity, PaginationQuery, pageOf, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { ApiKeySchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/api-keys",
  tags: ["API keys"],
  summary: "List API keys",
  description:
    "Never shows a key itself, only its display prefix. A workspace admin sees every key, or one environment's with `?environment=`; an environment admin sees its environment's keys.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("admin")] as const,
  request: { query: PaginationQuery.merge(EnvironmentQuery) },
  responses: { 200: jsonResponse(pageOf(ApiKeySchema), "A page of API keys, newest first"), ...problems(400, 401, 403, 404) },
});

export function registerListApiKeys(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await listKeysFor(c.get("deps"), c.get("principal"), c.req.valid("query"))), 200);
  });
}
