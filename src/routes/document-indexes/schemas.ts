import { z } from "@hono/zod-openapi";
import { Timestamp } from "../../http/openapi";

export const IndexSchema = z
  .object({ id: z.string(), name: z.string(), environment: z.string(), document_count: z.number().int(), created_at: Timestamp, created_by: z.string() })
  .openapi("DocumentIndex");

export const DocumentSchema = z
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

export const IndexParams = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "id", in: "path" }, description: "The index's id or name" }),
});

export const DocumentParams = IndexParams.extend({
  document_id: z
    .string()
    .max(64)
    .openapi({ param: { name: "document_id", in: "path" }, description: "The document's id (`doc_…`)" }),
});

export const CreateIndexBody = z.strictObject({ name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "Letters, digits, '.', '_' and '-'") }).openapi("CreateDocumentIndex");

export const AddDocumentBody = z
  .strictObject({
    title: z.string().min(1).max(500),
    text: z.string().min(1).max(200_000),
    external_id: z.string().max(256).nullish(),
    metadata: z.record(z.string().max(100), z.unknown()).nullish(),
  })
  .openapi("AddDocument");

/** Vellum's search request: every field but `query` may be null or left out. */
export const SearchBody = z
  .strictObject({
    index_id: z.string().max(100).nullish(),
    index_name: z.string().max(100).nullish(),
    document_index: z.string().max(100).nullish(),
    query: z.string().max(20_000),
    options: z
      .object({
        limit: z.number().int().min(1).max(100).nullish(),
        weights: z.object({ semantic_similarity: z.number().nullish(), keywords: z.number().nullish() }).nullish(),
        result_merging: z.object({ enabled: z.boolean().nullish() }).nullish(),
        filters: z.object({ external_ids: z.array(z.string().max(256)).max(100).nullish(), metadata: z.unknown().nullish() }).nullish(),
      })
      .nullish(),
  })
  .openapi("Search");

export const SearchResponse = z
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
