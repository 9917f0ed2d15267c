import { and, desc, eq, getTableColumns, gte, inArray, lt, lte, or, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { executions } from "../db/schema";
import { chunkBySize } from "../lib/chunk-by-size";

export type ExecutionRow = typeof executions.$inferSelect;

/** Records travel to SQLite as one JSON text per statement, at most this long (D1 caps a value at 2 MB). */
const MAX_JSON_CHARS = 500_000;

/** `started_at` (ms since the epoch) as the ISO instant `created_at` holds. */
const createdAtFromRecord = sql.raw(`strftime('%Y-%m-%dT%H:%M:%fZ', (value ->> '$.started_at') / 1000.0, 'unixepoch')`);

/**
 * A column's default as SQL, for the columns that have a plain one
 * (`edge_stale`): a record written before the column existed, still in the
 * queue, does not carry it.
 */
function defaultOf(column: { default?: unknown }) {
  const value = column.default;
  return typeof value === "boolean" ? String(Number(value)) : typeof value === "number" ? String(value) : null;
}

/**
 * Every column, in the table's order, read from one record of `jsonb_each`:
 * JSON columns as JSON text (NULL for JSON null), the others as SQL values
 * (JSON booleans come out as 1 and 0). Columns a record does not carry come
 * out NULL (quality and actuals), or as their default.
 */
const columnsFromRecord = sql.join(
  Object.values(getTableColumns(executions)).map((column) => {
    if (column === executions.createdAt) return createdAtFromRecord;
    if (column.dataType === "json") return sql.raw(`nullif(value -> '$.${column.name}', 'null')`);
    const fallback = defaultOf(column);
    return sql.raw(fallback === null ? `value ->> '$.${column.name}'` : `coalesce(value ->> '$.${column.name}', ${fallback})`);
  }),
  sql.raw(", "),
);

/**
 * Inserts records, given as their JSON texts, a few hundred per statement:
 * the batch travels as one JSON array that SQLite unpacks with `jsonb_each`
 * (D1 allows only 100 bound parameters per statement, four records' worth as
 * plain values; `jsonb_each` parses the array once, where `json_each` would
 * parse each record again for every column). A record already written (a
 * queue redelivery) is left as it is.
 */
export function insertExecutions(db: Database, records: string[]) {
  return chunkBySize(records, (json) => json.length + 1, MAX_JSON_CHARS).map((chunk) =>
    db
      .insert(executions)
      // `WHERE true` tells SQLite's parser that the ON CONFLICT clause belongs to the INSERT.
      .select(sql`SELECT ${columnsFromRecord} FROM jsonb_each(${`[${chunk.join(",")}]`}) WHERE true`)
      .onConflictDoNothing(),
  );
}

export interface ExecutionFilter {
  workspaceId: string;
  environmentId: string;
  deploymentId?: string | undefined;
  releaseId?: string | undefined;
  status?: ExecutionRow["status"] | undefined;
  from?: number | undefined;
  to?: number | undefined;
  /** Keyset: executions before this (started_at, id), newest first. */
  before?: { startedAt: number; id: string } | undefined;
  limit: number;
}

export function listExecutions(db: Database, f: ExecutionFilter) {
  const conditions: (SQL | undefined)[] = [
    eq(executions.workspaceId, f.workspaceId),
    eq(executions.environmentId, f.environmentId),
    f.deploymentId ? eq(executions.deploymentId, f.deploymentId) : undefined,
    f.releaseId ? eq(executions.releaseId, f.releaseId) : undefined,
    f.status ? eq(executions.status, f.status) : undefined,
    f.from !== undefined ? gte(executions.startedAt, f.from) : undefined,
    f.to !== undefined ? lte(executions.startedAt, f.to) : undefined,
    f.before ? or(lt(executions.startedAt, f.before.startedAt), and(eq(executions.startedAt, f.before.startedAt), lt(executions.id, f.before.id))) : undefined,
  ];
  return db
    .select()
    .from(executions)
    .where(and(...conditions))
    .orderBy(desc(executions.startedAt), desc(executions.id))
    .limit(f.limit);
}

export async function findExecution(db: Database, workspaceId: string, environmentId: string, id: string) {
  const [row] = await db
    .select()
    .from(executions)
    .where(and(eq(executions.workspaceId, workspaceId), eq(executions.environmentId, environmentId), eq(executions.id, id)));
  return row ?? null;
}

export async function findExecutionByExternalId(db: Database, workspaceId: string, environmentId: string, externalId: string) {
  const [row] = await db
    .select()
    .from(executions)
    .where(and(eq(executions.workspaceId, workspaceId), eq(executions.environmentId, environmentId), eq(executions.externalId, externalId)))
    .orderBy(desc(executions.startedAt))
    .limit(1);
  return row ?? null;
}

export function recordActual(
  db: Database,
  workspaceId: string,
  id: string,
  actual: { qualityScore: number | null; actualText: string | null; actualMetadata: unknown; actualAt: string },
) {
  return db
    .update(executions)
    .set(actual)
    .where(and(eq(executions.workspaceId, workspaceId), eq(executions.id, id)));
}

/**
 * Deletes up to `limit` of an environment's executions that started before
 * `cutoff` (ms). No trigger fires: retention deletes the rollups of the same
 * hours itself.
 */
export function deleteExecutionsBefore(db: Database, workspaceId: string, environmentId: string, cutoff: number, limit: number) {
  const doomed = db
    .select({ id: executions.id })
    .from(executions)
    .where(and(eq(executions.workspaceId, workspaceId), eq(executions.environmentId, environmentId), lt(executions.startedAt, cutoff)))
    .limit(limit);
  return db.delete(executions).where(and(eq(executions.workspaceId, workspaceId), inArray(executions.id, doomed)));
}
