import type { Database } from "../db/client";
import { workspaces } from "../db/schema";

export type WorkspaceRow = typeof workspaces.$inferSelect;

export function insertWorkspace(db: Database, row: WorkspaceRow) {
  return db.insert(workspaces).values(row);
}
