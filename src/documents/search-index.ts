import { sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The FTS5 virtual table over document passages. Drizzle cannot create
 * virtual tables, so migration 0003 does, and this declaration (kept out of
 * schema.ts, which drizzle-kit generates migrations from) only lets queries
 * insert and delete its rows inside D1 batches.
 */
export const documentChunksFts = sqliteTable("document_chunks_fts", {
  text: text("text").notNull(),
  title: text("title").notNull(),
  chunkId: text("chunk_id").notNull(),
  indexId: text("index_id").notNull(),
});
