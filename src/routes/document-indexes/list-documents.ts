import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { listDocumentsFor } from "../../documents/document-indexes";
import { EnvironmentQuery, jsonResponse, keySecurity, PaginationQuery, pageOf, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { DocumentSchema, IndexParams } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/document-indexes/{id}/documents",
  tags: ["Document indexes"],
  summary: "List an index's documents",
  description: "Oldest first, with their text and metadata. Needs `read` in the index's environment.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { params: IndexParams, query: PaginationQuery.merge(EnvironmentQuery) },
  responses: { 200: jsonResponse(pageOf(DocumentSchema), "A page of documents"), ...problems(400, 401, 403, 404) },
});

export function registerListDocuments(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await listDocumentsFor(c.get("deps"), c.get("principal"), c.req.valid("param").id, c.req.valid("query"))), 200);
  });
}
