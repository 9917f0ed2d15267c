import { and, asc, eq, gt, inArray, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { documentChunks, documentIndexes, documents } from "../db/schema";
import { documentChunksFts } from "./search-index";

export type DocumentIndexRow = typeof documentIndexes.$inferSelect;
export type DocumentRow = typeof documents.$inferSelect;
export type DocumentChunkRow = typeof documentChunks.$inferSelect;

export async function findDocumentIndex(db: Database, workspaceId: string, environmentId: string, idOrName: string) {
  const [row] = await db
    .select()
    .from(documentIndexes)
    .where(
      and(
        eq(documentIndexes.workspaceId, workspaceId),
        eq(documentIndexes.environmentId, environmentId),
        sql`(${documentIndexes.id} = ${idOrName} OR ${documentIndexes.name} = ${idOrName})`,
      ),
    );
  return row ?? null;
}

export function listDocumentIndexes(db: Database, workspaceId: string, environmentId: string, afterId: string | undefined, limit: number) {
  return db
    .select()
    .from(documentIndexes)
    .where(and(eq(documentIndexes.workspaceId, workspaceId), eq(documentIndexes.environmentId, environmentId), afterId ? gt(documentIndexes.id, afterId) : undefined))
    .orderBy(asc(documentIndexes.id))
    .limit(limit);
}

export function insertDocumentIndex(db: Database, row: DocumentIndexRow) {
  return db.insert(documentIndexes).values(row);
}

export async function findDocument(db: Database, workspaceId: string, indexId: string, id: string) {
  const [row] = await db
    .select()
    .from(documents)
    .where(and(eq(documents.workspaceId, workspaceId), eq(documents.indexId, indexId), eq(documents.id, id)));
  return row ?? null;
}

export async function findDocumentByExternalId(db: Database, workspaceId: string, indexId: string, externalId: string) {
  const [row] = await db
    .select()
    .from(documents)
    .where(and(eq(documents.workspaceId, workspaceId), eq(documents.indexId, indexId), eq(documents.externalId, externalId)));
  return row ?? null;
}

export async function countDocuments(db: Database, workspaceId: string, indexIds: string[]) {
  if (indexIds.length === 0) return new Map<string, number>();
  const rows = await db
    .select({ indexId: documents.indexId, n: sql<number>`count(*)` })
    .from(documents)
    .where(and(eq(documents.workspaceId, workspaceId), inArray(documents.indexId, indexIds)))
    .groupBy(documents.indexId);
  return new Map(rows.map((r) => [r.indexId, r.n]));
}

/** A document with its passages, each also written to the full-text index. */
export function insertDocument(db: Database, document: DocumentRow, chunks: DocumentChunkRow[]) {
  return [
    db.insert(documents).values(document),
    ...chunks.flatMap((chunk) => [
      db.insert(documentChunks).values(chunk),
      db.insert(documentChunksFts).values({ text: chunk.text, title: document.title, chunkId: chunk.id, indexId: chunk.indexId }),
    ]),
  ];
}

/** Removes a document, its passages and their full-text rows. */
export function deleteDocument(db: Database, workspaceId: string, documentId: string) {
  return [
    db
      .delete(documentChunksFts)
      .where(
        sql`${documentChunksFts.chunkId} IN (SELECT ${documentChunks.id} FROM ${documentChunks} WHERE ${documentChunks.workspaceId} = ${workspaceId} AND ${documentChunks.documentId} = ${documentId})`,
      ),
    db.delete(documentChunks).where(and(eq(documentChunks.workspaceId, workspaceId), eq(documentChunks.documentId, documentId))),
    db.delete(documents).where(and(eq(documents.workspaceId, workspaceId), eq(documents.id, documentId))),
  ];
}

/** Removes one index with its documents, their passages and their full-text rows. */
export function deleteDocumentIndex(db: Database, workspaceId: string, indexId: string) {
  return [
    db.delete(documentChunksFts).where(eq(documentChunksFts.indexId, indexId)),
    db.delete(documentChunks).where(and(eq(documentChunks.workspaceId, workspaceId), eq(documentChunks.indexId, indexId))),
    db.delete(documents).where(and(eq(documents.workspaceId, workspaceId), eq(documents.indexId, indexId))),
    db.delete(documentIndexes).where(and(eq(documentIndexes.workspaceId, workspaceId), eq(documentIndexes.id, indexId))),
  ];
}

/** One index's documents, oldest first, after `afterId`. */
export function listDocuments(db: Database, workspaceId: string, indexId: string, afterId: string | undefined, limit: number) {
  return db
    .select()
    .from(documents)
    .where(and(eq(documents.workspaceId, workspaceId), eq(documents.indexId, indexId), afterId ? gt(documents.id, afterId) : undefined))
    .orderBy(asc(documents.id))
    .limit(limit);
}

/** How many passages each of these documents was cut into. */
export async function countChunks(db: Database, workspaceId: string, documentIds: string[]) {
  if (documentIds.length === 0) return new Map<string, number>();
  const rows = await db
    .select({ documentId: documentChunks.documentId, n: sql<number>`count(*)` })
    .from(documentChunks)
    .where(and(eq(documentChunks.workspaceId, workspaceId), inArray(documentChunks.documentId, documentIds)))
    .groupBy(documentChunks.documentId);
  return new Map(rows.map((r) => [r.documentId, r.n]));
}

/** Removes every index of an environment with all its documents. */
export function deleteEnvironmentDocuments(db: Database, workspaceId: string, environmentId: string) {
  const indexIds = sql`(SELECT ${documentIndexes.id} FROM ${documentIndexes} WHERE ${documentIndexes.workspaceId} = ${workspaceId} AND ${documentIndexes.environmentId} = ${environmentId})`;
  return [
    db.delete(documentChunksFts).where(sql`${documentChunksFts.indexId} IN ${indexIds}`),
    db.delete(documentChunks).where(sql`${documentChunks.indexId} IN ${indexIds}`),
    db.delete(documents).where(sql`${documents.indexId} IN ${indexIds}`),
    db.delete(documentIndexes).where(and(eq(documentIndexes.workspaceId, workspaceId), eq(documentIndexes.environmentId, environmentId))),
  ];
}

export interface ChunkHit {
  chunk_id: string;
  text: string;
  rank: number;
  document_id: string;
  title: string;
  external_id: string | null;
  metadata: string;
}

/** BM25-ranked passages of one index for an FTS5 match expression, with optional extra conditions on the document. */
export async function searchChunks(db: Database, indexId: string, match: string, documentConditions: SQL[], limit: number): Promise<ChunkHit[]> {
  const where = documentConditions.length ? sql` AND ${sql.join(documentConditions, sql` AND `)}` : sql``;
  return db.all<ChunkHit>(sql`
    SELECT c.id AS chunk_id, c.text AS text, bm25(document_chunks_fts) AS rank, d.id AS document_id, d.title AS title, d.external_id AS external_id, d.metadata AS metadata
    FROM document_chunks_fts
    JOIN document_chunks c ON c.id = document_chunks_fts.chunk_id
    JOIN documents d ON d.id = c.document_id
    WHERE document_chunks_fts MATCH ${match} AND document_chunks_fts.index_id = ${indexId}${where}
    ORDER BY rank
    LIMIT ${limit}`);
}

/** What BM25 needs to know about one index: its passages, their mean length (title and text, in characters), and how many hold each term. */
export interface IndexTermStats {
  passages: number;
  meanChars: number;
  passagesWith: Map<string, number>;
}

/** One index's own statistics for `terms`, so that its scores do not depend on any other index's documents. */
export async function indexTermStats(db: Database, indexId: string, terms: string[]): Promise<IndexTermStats> {
  const [size] = await db.all<{ passages: number; mean_chars: number | null }>(sql`
    SELECT COUNT(*) AS passages, AVG(length(c.text) + length(d.title)) AS mean_chars
    FROM documents d JOIN document_chunks c ON c.document_id = d.id
    WHERE d.index_id = ${indexId}`);
  const counts = await db.all<{ term: string; passages: number }>(sql`
    SELECT t.value AS term,
      (SELECT COUNT(*) FROM document_chunks_fts WHERE document_chunks_fts MATCH ('"' || t.value || '"') AND document_chunks_fts.index_id = ${indexId}) AS passages
    FROM json_each(${JSON.stringify(terms)}) t`);
  return { passages: size?.passages ?? 0, meanChars: size?.mean_chars ?? 0, passagesWith: new Map(counts.map((c) => [c.term, c.passages])) };
}
