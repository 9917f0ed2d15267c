import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { removeDocument } from "../../documents/document-indexes";
import { EnvironmentQuery, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { DocumentParams, DocumentSchema } from "./schemas";

const route = createRoute({
  method: "delete",
  path: "/v1/document-indexes/{id}/documents/{document_id}",
  tags: ["Document indexes"],
  summary: "Delete a document",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("deploy")] as const,
  request: { params: DocumentParams, query: EnvironmentQuery },
  responses: { 200: jsonResponse(DocumentSchema, "The deleted document"), ...problems(400, 401, 403, 404) },
});

export function registerRemoveDocument(router: Router) {
  router.openapi(route, async (c) => {
    const { id, document_id } = c.req.valid("param");
    return c.json(unwrap(await removeDocument(c.get("deps"), c.get("principal"), c.req.valid("query").environment, id, document_id)), 200);
  });
}
