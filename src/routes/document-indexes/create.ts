import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { createDocumentIndex } from "../../documents/document-indexes";
import { EnvironmentQuery, jsonBody, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { CreateIndexBody, IndexSchema } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/v1/document-indexes",
  tags: ["Document indexes"],
  summary: "Create a document index",
  description: "Names are unique per environment; the same name in another environment is another index, with its own documents. Needs `deploy`.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("deploy")] as const,
  request: { query: EnvironmentQuery, body: jsonBody(CreateIndexBody) },
  responses: { 201: jsonResponse(IndexSchema, "The new index"), ...problems(400, 401, 403, 404, 409, 415) },
});

export function registerCreateDocumentIndex(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await createDocumentIndex(c.get("deps"), c.get("principal"), c.req.valid("query").environment, c.req.valid("json").name)), 201);
  });
}
