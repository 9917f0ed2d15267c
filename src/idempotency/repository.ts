import { and, eq, inArray, lt } from "drizzle-orm";
import type { Database } from "../db/client";
import { idempotencyRecords } from "../db/schema";

/** How long a key is remembered; the scheduled housekeeping deletes older records. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 3_600_000;

export type IdempotencyRecordRow = typeof idempotencyRecords.$inferSelect;

export async function findIdempotencyRecord(db: Database, workspaceId: string, key: string) {
  const [row] = await db
    .select()
    .from(idempotencyRecords)
    .where(and(eq(idempotencyRecords.workspaceId, workspaceId), eq(idempotencyRecords.idempotencyKey, key)));
  return row ?? null;
}

/** Claims the key; returns false when another request holds it already. */
export async function claimIdempotencyKey(db: Database, row: IdempotencyRecordRow): Promise<boolean> {
  const result = await db.insert(idempotencyRecords).values(row).onConflictDoNothing();
  return result.meta.changes === 1;
}

export function completeIdempotencyRecord(db: Database, workspaceId: string, key: string, status: number, body: string) {
  return db
    .update(idempotencyRecords)
    .set({ status, body })
    .where(and(eq(idempotencyRecords.workspaceId, workspaceId), eq(idempotencyRecords.idempotencyKey, key)));
}

export function releaseIdempotencyKey(db: Database, workspaceId: string, key: string) {
  return db.delete(idempotencyRecords).where(and(eq(idempotencyRecords.workspaceId, workspaceId), eq(idempotencyRecords.idempotencyKey, key)));
}

/** Deletes up to `limit` of a workspace's records created before `cutoff` (an ISO timestamp; they sort in time order). */
export function deleteIdempotencyRecordsBefore(db: Database, workspaceId: string, cutoff: string, limit: number) {
  const doomed = db
    .select({ key: idempotencyRecords.idempotencyKey })
    .from(idempotencyRecords)
    .where(and(eq(idempotencyRecords.workspaceId, workspaceId), lt(idempotencyRecords.createdAt, cutoff)))
    .limit(limit);
  return db.delete(idempotencyRecords).where(and(eq(idempotencyRecords.workspaceId, workspaceId), inArray(idempotencyRecords.idempotencyKey, doomed)));
}
