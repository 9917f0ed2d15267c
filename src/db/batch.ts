import { eq, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "./client";
import { workspaces } from "./schema";

export type Write = BatchItem<"sqlite">;

/**
 * A statement that aborts its whole batch unless `condition` holds.
 *
 * D1 has no interactive transactions, so a read-check-write sequence cannot be
 * made atomic across round trips. Instead the check travels inside the batch:
 * when the condition is false, `json()` is handed invalid JSON, the statement
 * fails, and D1 rolls back every statement of the batch. The condition is
 * evaluated once, on the workspace's row.
 */
export function guard(db: Database, workspaceId: string, condition: SQL): Write {
  return db
    .select({ held: sql`CASE WHEN ${condition} THEN 1 ELSE json('batch guard') END` })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
}

/** Runs writes as one D1 batch: all of them, or none. */
export async function runBatch(db: Database, writes: Write[]): Promise<void> {
  if (writes.length === 0) return;
  await db.batch(writes as [Write, ...Write[]]);
}
