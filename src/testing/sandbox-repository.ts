import { and, desc, eq, lt } from "drizzle-orm";
import type { Database } from "../db/client";
import { sandboxes, sandboxRevisions } from "../db/schema";

export type SandboxRow = typeof sandboxes.$inferSelect;
export type SandboxRevisionRow = typeof sandboxRevisions.$inferSelect;

export async function findSandbox(db: Database, workspaceId: string, id: string) {
  const [row] = await db
    .select()
    .from(sandboxes)
    .where(and(eq(sandboxes.workspaceId, workspaceId), eq(sandboxes.id, id)));
  return row ?? null;
}

export async function findSandboxByName(db: Database, workspaceId: string, name: string) {
  const [row] = await db
    .select()
    .from(sandboxes)
    .where(and(eq(sandboxes.workspaceId, workspaceId), eq(sandboxes.name, name)));
  return row ?? null;
}

export async function findSandboxRevision(db: Database, workspaceId: string, sandboxId: string, revision: number) {
  const [row] = await db
    .select()
    .from(sandboxRevisions)
    .where(and(eq(sandboxRevisions.workspaceId, workspaceId), eq(sandboxRevisions.sandboxId, sandboxId), eq(sandboxRevisions.revision, revision)));
  return row ?? null;
}

export function listSandboxes(db: Database, workspaceId: string, beforeId: string | undefined, limit: number) {
  return db
    .select()
    .from(sandboxes)
    .where(and(eq(sandboxes.workspaceId, workspaceId), beforeId ? lt(sandboxes.id, beforeId) : undefined))
    .orderBy(desc(sandboxes.id))
    .limit(limit);
}

export function insertSandbox(db: Database, row: SandboxRow) {
  return db.insert(sandboxes).values(row);
}

/** Saves a new revision only if the sandbox is still at the revision it was read at. */
export function updateSandboxFrom(db: Database, previousRevision: number, row: SandboxRow) {
  const { id, workspaceId, createdAt, createdBy, deploymentId, kind, ...changes } = row;
  return db
    .update(sandboxes)
    .set(changes)
    .where(and(eq(sandboxes.workspaceId, workspaceId), eq(sandboxes.id, id), eq(sandboxes.revision, previousRevision)));
}

export function insertSandboxRevision(db: Database, row: SandboxRevisionRow) {
  return db.insert(sandboxRevisions).values(row);
}
