import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { removeDocumentIndex } from "../../documents/document-indexes";
import { EnvironmentQuery, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { IndexParams, IndexSchema } from "./schemas";

const route = createRoute({
  method: "delete",
  path: "/v1/document-indexes/{id}",
  tags: ["Document indexes"],
  summary: "Delete a document index",
  description: "Deletes the index with every document in it, at once. Needs `deploy` in the index's environment. Workflow search nodes naming it fail from then on.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("deploy")] as const,
  request: { params: IndexParams, query: EnvironmentQuery },
  responses: { 200: jsonResponse(IndexSchema, "The deleted index, with the number of documents it held"), ...problems(400, 401, 403, 404) },
});

export function registerDeleteDocumentIndex(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await removeDocumentIndex(c.get("deps"), c.get("principal"), c.req.valid("query").environment, c.req.valid("param").id)), 200);
  });
}
