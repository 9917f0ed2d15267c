import { createRoute } from "@hono/zod-openapi";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { searchIndex } from "../../documents/document-indexes";
import { EnvironmentQuery, jsonBody, jsonResponse, keySecurity, problems } from "../../http/openapi";
import type { Router } from "../../http/router";
import { unwrap } from "../../lib/result";
import { SearchBody, SearchResponse } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/v1/search",
  tags: ["Execute (Vellum-compatible)"],
  summary: "Search a document index",
  description:
    "Vellum's search, in the key's environment: passages ranked by BM25 (keyword search over D1's FTS5; `weights` and `result_merging` are accepted and not used). Filters: `external_ids`, and `metadata` as a LOGICAL_CONDITION_GROUP (or Vellum's legacy rules). Needs `execute`.",
  security: keySecurity,
  middleware: [authenticate, requireAnyScope("execute")] as const,
  request: { query: EnvironmentQuery, body: jsonBody(SearchBody) },
  responses: { 200: jsonResponse(SearchResponse, "The best passages first"), ...problems(400, 401, 403, 404, 415) },
});

export function registerSearch(router: Router) {
  router.openapi(route, async (c) => {
    return c.json(unwrap(await searchIndex(c.get("deps"), c.get("principal"), c.req.valid("query").environment, c.req.valid("json"))), 200);
  });
}
