import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { getDocumentIndex } from "../../documents/document-indexes";
import { EnvironmentQuery, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { IndexParams, IndexSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/document-indexes/{id}",
  tags: ["Document indexes"],
  summary: "Get a document index",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { params: IndexParams, query: EnvironmentQuery },
  responses: { 200: jsonResponse(IndexSchema, "The index"), ...problems(400, 401, 403, 404) },
});

export function registerGetDocumentIndex(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await getDocumentIndex(c.get("deps"), c.get("principal"), c.req.valid("query").environment, c.req.valid("param").id)), 200);
  });
}
