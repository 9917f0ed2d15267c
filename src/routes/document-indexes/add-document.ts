import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { addDocument } from "../../documents/document-indexes";
import { EnvironmentQuery, jsonBody, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { AddDocumentBody, DocumentSchema, IndexParams } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/v1/document-indexes/{id}/documents",
  tags: ["Document indexes"],
  summary: "Add a document",
  description: "Long text is cut into passages for search. A document with the same `external_id` is replaced. Needs `deploy`.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("deploy")] as const,
  request: { params: IndexParams, query: EnvironmentQuery, body: jsonBody(AddDocumentBody) },
  responses: { 201: jsonResponse(DocumentSchema, "The document"), ...problems(400, 401, 403, 404, 413, 415) },
});

export function registerAddDocument(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await addDocument(c.get("deps"), c.get("principal"), c.req.valid("query").environment, c.req.valid("param").id, c.req.valid("json"))), 201);
  });
}
