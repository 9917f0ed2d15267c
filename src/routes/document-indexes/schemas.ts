import { createRoute, z } from "@hono/zod-openapi";
import { unwrap } from "../../lib/result";
import { authenticate, requireAnyScope } from "../../access/authenticate-request";
import { addDocument, createDocumentIndex, getDocumentIndex, listDocumentIndexesFor, removeDocument, searchIndex } from "../../documents/document-indexes";
import { EnvironmentQuery, jsonBody, jsonResponse, keySecurity, PaginationQuery, pageOf, problems, Timestamp } from "../../http/openapi";
import type { Router } from "../../http/router";

const IndexSchema = z
  .object({ id: z.string(), name: z.string(), environment: z.string(), document_count: z.number().int(), created_at: Timestamp, created_by: z.string() })
  .openapi("DocumentIndex");

const DocumentSchema = z
  .object({
    id: z.string(),
    index_id: z.string(),
    title: z.string(),
    text: z.string(),
    external_id: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    chunks: z.number().int().openapi({ description: "Passages the text was cut into for search" }),
    created_at: Timestamp,
  })
  .openapi("Document");

const IndexParams = z.object({ id: z.string().min(1).max(100).openapi({ param: { name: "id", in: "path" }, description: "The index's id or name" }) });
const common = { tags: ["Document indexes"], security: keySecurity };

const listRoute = createRoute({
  ...common,
  method: "get",
  path: "/v1/document-indexes",
  summary: "List this environment's document indexes",
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { query: PaginationQuery.merge(EnvironmentQuery) },
  responses: { 200: jsonResponse(pageOf(IndexSchema), "A page of indexes"), ...problems(400, 401, 403, 404) },
});

const createIndexRoute = createRoute({
  ...common,
  method: "post",
  path: "/v1/document-indexes",
  summary: "Create a document index",
  description: "Names are unique per environment; the same name in another environment is another index, with its own documents. Needs `deploy`.",
  middleware: [authenticate, requireAnyScope("deploy")] as const,
  request: {
    query: EnvironmentQuery,
    body: jsonBody(z.strictObject({ name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "Letters, digits, '.', '_' and '-'") }).openapi("CreateDocumentIndex")),
  },
  responses: { 201: jsonResponse(IndexSchema, "The new index"), ...problems(400, 401, 403, 404, 409, 415) },
});

const getRoute = createRoute({
  ...common,
  method: "get",
  path: "/v1/document-indexes/{id}",
  summary: "Get a document index",
  middleware: [authenticate, requireAnyScope("read")] as const,
  request: { params: IndexParams, query: EnvironmentQuery },
  responses: { 200: jsonResponse(IndexSchema, "The index"), ...problems(400, 401, 403, 404) },
});

const addRoute = createRoute({
  ...common,
  method: "post",
  path: "/v1/document-indexes/{id}/documents",
  summary: "Add a document",
  description: "Long text is cut into passages for search. A document with the same `external_id` is replaced. Needs `deploy`.",
  middleware: [authenticate, requireAnyScope("deploy")] as const,
  request: {
    params: IndexParams,
    query: EnvironmentQuery,
    body: jsonBody(
      z
        .strictObject({
          title: z.string().min(1).max(500),
          text: z.string().min(1).max(200_000),
          external_id: z.string().max(256).nullable().optional(),
          metadata: z.record(z.string().max(100), z.unknown()).nullable().optional(),
        })
        .openapi("AddDocument"),
    ),
  },
  responses: { 201: jsonResponse(DocumentSchema, "The document"), ...problems(400, 401, 403, 404, 413, 415) },
});

const deleteRoute = createRoute({
  ...common,
  method: "delete",
  path: "/v1/document-indexes/{id}/documents/{document_id}",
  summary: "Delete a document",
  middleware: [authenticate, requireAnyScope("deploy")] as const,
  request: { params: IndexParams.extend({ document_id: z.string().max(64).openapi({ param: { name: "document_id", in: "path" } }) }), query: EnvironmentQuery },
  responses: { 200: jsonResponse(DocumentSchema, "The deleted document"), ...problems(400, 401, 403, 404) },
});

const nullable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

const SearchBody = z
  .strictObject({
    index_id: nullable(z.string().max(100)),
    index_name: nullable(z.string().max(100)),
    document_index: nullable(z.string().max(100)),
    query: z.string().max(20_000),
    options: nullable(
      z.object({
        limit: nullable(z.number().int().min(1).max(100)),
        weights: nullable(z.object({ semantic_similarity: nullable(z.number()), keywords: nullable(z.number()) })),
        result_merging: nullable(z.object({ enabled: nullable(z.boolean()) })),
        filters: nullable(z.object({ external_ids: nullable(z.array(z.string().max(256)).max(100)), metadata: nullable(z.unknown()) })),
      }),
    ),
  })
  .openapi("Search");

const SearchResponse = z
  .object({
    results: z.array(
      z.object({
        text: z.string(),
        score: z.number(),
        keywords: z.array(z.string()),
        document: z.object({ id: z.string(), label: z.string(), external_id: z.string().nullable(), metadata: z.record(z.string(), z.unknown()) }),
      }),
    ),
  })
  .openapi("SearchResults");

const searchRoute = createRoute({
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

export function registerDocumentIndexRoutes(router: Router) {
  router.openapi(listRoute, async (c) => c.json(unwrap(await listDocumentIndexesFor(c.get("deps"), c.get("principal"), c.req.valid("query"))), 200));
  router.openapi(createIndexRoute, async (c) =>
    c.json(unwrap(await createDocumentIndex(c.get("deps"), c.get("principal"), c.req.valid("query").environment, c.req.valid("json").name)), 201),
  );
  router.openapi(getRoute, async (c) =>
    c.json(unwrap(await getDocumentIndex(c.get("deps"), c.get("principal"), c.req.valid("query").environment, c.req.valid("param").id)), 200),
  );
  router.openapi(addRoute, async (c) =>
    c.json(unwrap(await addDocument(c.get("deps"), c.get("principal"), c.req.valid("query").environment, c.req.valid("param").id, c.req.valid("json"))), 201),
  );
  router.openapi(deleteRoute, async (c) => {
    const { id, document_id } = c.req.valid("param");
    return c.json(unwrap(await removeDocument(c.get("deps"), c.get("principal"), c.req.valid("query").environment, id, document_id)), 200);
  });
  router.openapi(searchRoute, async (c) => c.json(unwrap(await searchIndex(c.get("deps"), c.get("principal"), c.req.valid("query").environment, c.req.valid("json"))), 200));
}
