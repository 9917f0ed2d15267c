import { asc, gt } from "drizzle-orm";
import type { Database } from "../db/client";
import { workspaces } from "../db/schema";

export type WorkspaceRow = typeof workspaces.$inferSelect;

export function insertWorkspace(db: Database, row: WorkspaceRow) {
  return db.insert(workspaces).values(row);
}

/** A page of workspace ids in id order, for housekeeping that visits every workspace. */
export function listWorkspaceIds(db: Database, afterId: string | undefined, limit: number) {
  return db
    .select({ id: workspaces.id })
    .from(workspaces)
    .where(afterId ? gt(workspaces.id, afterId) : undefined)
    .orderBy(asc(workspaces.id))
    .limit(limit);
}
