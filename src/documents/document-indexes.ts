import { sql } from "drizzle-orm";
import { resolveEnvironment } from "../access/permissions";
import { actorOf, commitWithAudit } from "../audit/audit-log";
import type { Deps, Principal } from "../context";
import { isUniqueViolation } from "../db/d1-errors";
import { decodeCursor, toPage } from "../lib/pagination";
import { fail, ok, type Result } from "../lib/result";
import { bm25Score } from "./bm25";
import {
  countChunks,
  countDocuments,
  type DocumentChunkRow,
  type DocumentIndexRow,
  type DocumentRow,
  deleteDocument,
  deleteDocumentIndex,
  findDocument,
  findDocumentByExternalId,
  findDocumentIndex,
  indexTermStats,
  insertDocument,
  insertDocumentIndex,
  listDocumentIndexes,
  listDocuments,
  searchChunks,
} from "./repository";
import { compileMetadataFilter } from "./search-filters";

/**
 * Document indexes belong to one environment: the same name in staging and
 * production holds different documents, and a key sees only its own
 * environment's. Documents are cut into passages, searched with BM25 over
 * D1's FTS5.
 */

const CHUNK_CHARS = 1_000;

/** Cuts text into passages of at most ~1,000 characters, at paragraph, then sentence, then word boundaries. */
export function chunkText(text: string): string[] {
  const pieces = text
    .split(/\n\s*\n/)
    .flatMap((paragraph) => (paragraph.length <= CHUNK_CHARS ? [paragraph] : (paragraph.match(/[^.!?]+[.!?]*\s*/g) ?? [paragraph])))
    .flatMap((piece) => (piece.length <= CHUNK_CHARS ? [piece] : (piece.match(new RegExp(`.{1,${CHUNK_CHARS}}(\\s|$)|.{${CHUNK_CHARS}}`, "gs")) ?? [piece])));
  const chunks: string[] = [];
  let current = "";
  for (const piece of pieces.map((p) => p.trim()).filter(Boolean)) {
    if (current && current.length + piece.length + 2 > CHUNK_CHARS) {
      chunks.push(current);
      current = piece;
    } else current = current ? `${current}\n\n${piece}` : piece;
  }
  if (current) chunks.push(current);
  return chunks;
}

export function documentIndexView(row: DocumentIndexRow, environment: string, documentCount: number) {
  return { id: row.id, name: row.name, environment, document_count: documentCount, created_at: row.createdAt, created_by: row.createdBy };
}

export function documentView(row: DocumentRow, chunks: number) {
  return { id: row.id, index_id: row.indexId, title: row.title, text: row.text, external_id: row.externalId, metadata: row.metadata, chunks, created_at: row.createdAt };
}

export async function createDocumentIndex(deps: Deps, principal: Principal, environmentName: string | undefined, name: string) {
  const env = await resolveEnvironment(deps, principal, environmentName, "deploy");
  if (!env.ok) return env;
  const taken = fail("DOCUMENT_INDEX_NAME_TAKEN", `${env.value.name} already has an index named "${name}"`, [{ path: "body.name", message: "Already in use" }]);
  if (await findDocumentIndex(deps.db, principal.workspaceId, env.value.id, name)) return taken;
  const row: DocumentIndexRow = {
    id: deps.newId("documentIndex"),
    workspaceId: principal.workspaceId,
    environmentId: env.value.id,
    name,
    createdAt: deps.now().toISOString(),
    createdBy: principal.keyId,
  };
  try {
    await commitWithAudit(deps, principal.workspaceId, [insertDocumentIndex(deps.db, row)], {
      actor: actorOf(principal),
      action: "document_index.created",
      targetType: "document_index",
      targetId: row.id,
      environmentId: env.value.id,
      before: null,
      after: documentIndexView(row, env.value.name, 0),
    });
  } catch (error) {
    if (isUniqueViolation(error, "document_indexes.workspace_id, document_indexes.environment_id, document_indexes.name")) return taken;
    throw error;
  }
  return ok(documentIndexView(row, env.value.name, 0));
}

export async function listDocumentIndexesFor(deps: Deps, principal: Principal, query: { environment?: string | undefined; cursor?: string | undefined; limit: number }) {
  const list = { name: "document-indexes", filters: { environment: query.environment } };
  const after = decodeCursor<string>(query.cursor, "string", list);
  if (!after.ok) return after;
  const env = await resolveEnvironment(deps, principal, query.environment, "read");
  if (!env.ok) return env;
  const rows = await listDocumentIndexes(deps.db, principal.workspaceId, env.value.id, after.value, query.limit + 1);
  const counts = await countDocuments(
    deps.db,
    principal.workspaceId,
    rows.map((r) => r.id),
  );
  return ok(
    toPage(
      rows,
      query.limit,
      (r) => r.id,
      (r) => documentIndexView(r, env.value.name, counts.get(r.id) ?? 0),
      list,
    ),
  );
}

async function indexFor(deps: Deps, principal: Principal, environmentName: string | undefined, idOrName: string, scope: "read" | "deploy" | "execute") {
  const env = await resolveEnvironment(deps, principal, environmentName, scope);
  if (!env.ok) return env;
  const index = await findDocumentIndex(deps.db, principal.workspaceId, env.value.id, idOrName);
  if (!index) return fail("NOT_FOUND", `No document index "${idOrName}" in ${env.value.name}`);
  return ok({ index, env: env.value });
}

export async function getDocumentIndex(deps: Deps, principal: Principal, environmentName: string | undefined, idOrName: string) {
  const found = await indexFor(deps, principal, environmentName, idOrName, "read");
  if (!found.ok) return found;
  const counts = await countDocuments(deps.db, principal.workspaceId, [found.value.index.id]);
  return ok(documentIndexView(found.value.index, found.value.env.name, counts.get(found.value.index.id) ?? 0));
}

/** Deletes an index with every document in it, their passages and full-text rows: one batch, one audit event. */
export async function removeDocumentIndex(deps: Deps, principal: Principal, environmentName: string | undefined, idOrName: string) {
  const found = await indexFor(deps, principal, environmentName, idOrName, "deploy");
  if (!found.ok) return found;
  const { index, env } = found.value;
  const counts = await countDocuments(deps.db, principal.workspaceId, [index.id]);
  const view = documentIndexView(index, env.name, counts.get(index.id) ?? 0);
  await commitWithAudit(deps, principal.workspaceId, deleteDocumentIndex(deps.db, principal.workspaceId, index.id), {
    actor: actorOf(principal),
    action: "document_index.deleted",
    targetType: "document_index",
    targetId: index.id,
    environmentId: env.id,
    before: view,
    after: null,
  });
  return ok(view);
}

/** An index's documents, oldest first, a page at a time. */
export async function listDocumentsFor(
  deps: Deps,
  principal: Principal,
  idOrName: string,
  query: { environment?: string | undefined; cursor?: string | undefined; limit: number },
) {
  const found = await indexFor(deps, principal, query.environment, idOrName, "read");
  if (!found.ok) return found;
  // The list is the index itself (by id), so a cursor stays valid whether the index was named by id or name.
  const list = { name: "documents", filters: { index: found.value.index.id } };
  const after = decodeCursor<string>(query.cursor, "string", list);
  if (!after.ok) return after;
  const rows = await listDocuments(deps.db, principal.workspaceId, found.value.index.id, after.value, query.limit + 1);
  const chunks = await countChunks(
    deps.db,
    principal.workspaceId,
    rows.map((r) => r.id),
  );
  return ok(
    toPage(
      rows,
      query.limit,
      (r) => r.id,
      (r) => documentView(r, chunks.get(r.id) ?? 0),
      list,
    ),
  );
}

/** Adds a document, or replaces the one with the same external id. */
export async function addDocument(
  deps: Deps,
  principal: Principal,
  environmentName: string | undefined,
  indexIdOrName: string,
  input: { title: string; text: string; external_id?: string | null | undefined; metadata?: Record<string, unknown> | null | undefined },
) {
  const found = await indexFor(deps, principal, environmentName, indexIdOrName, "deploy");
  if (!found.ok) return found;
  const { index, env } = found.value;
  const replaced = input.external_id ? await findDocumentByExternalId(deps.db, principal.workspaceId, index.id, input.external_id) : null;
  const document: DocumentRow = {
    id: deps.newId("document"),
    workspaceId: principal.workspaceId,
    environmentId: env.id,
    indexId: index.id,
    externalId: input.external_id ?? null,
    title: input.title,
    text: input.text,
    metadata: input.metadata ?? {},
    createdAt: deps.now().toISOString(),
  };
  const chunks: DocumentChunkRow[] = chunkText(input.text).map((text, position) => ({
    id: deps.newId("documentChunk"),
    workspaceId: principal.workspaceId,
    indexId: index.id,
    documentId: document.id,
    position,
    text,
  }));
  await commitWithAudit(
    deps,
    principal.workspaceId,
    [...(replaced ? deleteDocument(deps.db, principal.workspaceId, replaced.id) : []), ...insertDocument(deps.db, document, chunks)],
    {
      actor: actorOf(principal),
      action: replaced ? "document.replaced" : "document.added",
      targetType: "document",
      targetId: document.id,
      environmentId: env.id,
      before: replaced ? { id: replaced.id, title: replaced.title, external_id: replaced.externalId } : null,
      after: { id: document.id, index_id: index.id, title: document.title, external_id: document.externalId, chunks: chunks.length },
    },
  );
  return ok(documentView(document, chunks.length));
}

export async function removeDocument(deps: Deps, principal: Principal, environmentName: string | undefined, indexIdOrName: string, documentId: string) {
  const found = await indexFor(deps, principal, environmentName, indexIdOrName, "deploy");
  if (!found.ok) return found;
  const document = await findDocument(deps.db, principal.workspaceId, found.value.index.id, documentId);
  if (!document) return fail("NOT_FOUND", `No document "${documentId}" in index "${found.value.index.name}"`);
  await commitWithAudit(deps, principal.workspaceId, deleteDocument(deps.db, principal.workspaceId, document.id), {
    actor: actorOf(principal),
    action: "document.deleted",
    targetType: "document",
    targetId: document.id,
    environmentId: found.value.env.id,
    before: { id: document.id, title: document.title, external_id: document.externalId },
    after: null,
  });
  return ok(documentView(document, 0));
}

const MAX_TERMS = 32;

/**
 * The words of a user's query as an FTS5 expression: each word quoted (so
 * FTS syntax in the query — quotes, `*`, NEAR, parentheses — is just text)
 * and OR-ed, so BM25 ranks passages by how many and how rare.
 */
export function matchExpression(query: string): { match: string; terms: string[] } | null {
  const terms = [...new Set(query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])].filter((t) => t.length <= 64).slice(0, MAX_TERMS);
  return terms.length ? { match: terms.map((t) => `"${t}"`).join(" OR "), terms } : null;
}

export interface SearchInput {
  index_id?: string | null | undefined;
  index_name?: string | null | undefined;
  document_index?: string | null | undefined;
  query: string;
  options?: { limit?: number | null | undefined; filters?: { external_ids?: string[] | null | undefined; metadata?: unknown } | null | undefined } | null | undefined;
}

export type SearchHit = { text: string; score: number; keywords: string[]; document: { id: string; label: string; external_id: string | null; metadata: Record<string, unknown> } };

/** BM25 search of one environment's index by id or name: what both `/v1/search` and workflow search nodes run. */
export async function searchInEnvironment(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  environmentId: string,
  indexIdOrName: string,
  query: string,
  options: { limit: number; externalIds?: string[] | null | undefined; metadata?: unknown },
): Promise<Result<SearchHit[]>> {
  const index = await findDocumentIndex(deps.db, workspaceId, environmentId, indexIdOrName);
  if (!index) return fail("NOT_FOUND", `No document index "${indexIdOrName}" in this environment`);
  const conditions = [];
  if (options.externalIds?.length)
    conditions.push(
      sql`d.external_id IN (${sql.join(
        options.externalIds.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );
  if (options.metadata) {
    const compiled = compileMetadataFilter(options.metadata);
    if ("issue" in compiled) return fail("VALIDATION_FAILED", compiled.issue.message, [compiled.issue]);
    conditions.push(compiled.sql);
  }
  const expression = matchExpression(query);
  if (!expression) return ok([]);
  // FTS5 finds the matching passages; they are scored and ranked with this index's own statistics (see bm25.ts).
  // Candidates come in FTS5's order, so a passage beyond the first few hundred is not rescored.
  const [hits, stats] = await Promise.all([
    searchChunks(deps.db, index.id, expression.match, conditions, Math.max(options.limit * 5, CANDIDATES)),
    indexTermStats(deps.db, index.id, expression.terms),
  ]);
  const scored = hits
    .map((hit) => {
      const text = hit.text.toLowerCase();
      return {
        text: hit.text,
        score: bm25Score(expression.terms, { title: hit.title, text: hit.text }, stats),
        keywords: expression.terms.filter((t) => text.includes(t)),
        document: { id: hit.document_id, label: hit.title, external_id: hit.external_id, metadata: JSON.parse(hit.metadata) as Record<string, unknown> },
      };
    })
    .sort((a, b) => b.score - a.score);
  return ok(scored.slice(0, options.limit));
}

const CANDIDATES = 200;

/** Vellum's search, in the key's environment: BM25 over the index's passages. */
export async function searchIndex(deps: Deps, principal: Principal, environmentName: string | undefined, input: SearchInput) {
  const named = input.index_id ?? input.index_name ?? input.document_index;
  if (!named) return fail("VALIDATION_FAILED", "Name the index", [{ path: "body.index_name", message: "Give index_id, index_name or document_index" }]);
  const env = await resolveEnvironment(deps, principal, environmentName, "execute");
  if (!env.ok) return env;
  const hits = await searchInEnvironment(deps, principal.workspaceId, env.value.id, named, input.query, {
    limit: input.options?.limit ?? 10,
    externalIds: input.options?.filters?.external_ids,
    metadata: input.options?.filters?.metadata,
  });
  return hits.ok ? ok({ results: hits.value }) : hits;
}
