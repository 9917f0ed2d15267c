import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { listDocumentIndexesFor } from "../../documents/document-indexes";
import { EnvironmentQuery, jsonResponse, keySecurity, PaginationQuery, pageOf, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { IndexSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/document-indexes",
  tags: ["Document indexes"],
  summary: "List this environment's document indexes",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { query: PaginationQuery.merge(EnvironmentQuery) },
  responses: { 200: jsonResponse(pageOf(IndexSchema), "A page of indexes"), ...problems(400, 401, 403, 404) },
});

export function registerListDocumentIndexes(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await listDocumentIndexesFor(c.get("deps"), c.get("principal"), c.req.valid("query"))), 200);
  });
}
