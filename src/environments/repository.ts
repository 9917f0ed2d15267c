import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { environments, releases } from "../db/schema";

export type EnvironmentRow = typeof environments.$inferSelect;

export async function findEnvironmentByName(db: Database, workspaceId: string, name: string) {
  const [row] = await db
    .select()
    .from(environments)
    .where(and(eq(environments.workspaceId, workspaceId), eq(environments.name, name)));
  return row ?? null;
}

export async function findEnvironmentById(db: Database, workspaceId: string, id: string) {
  const [row] = await db
    .select()
    .from(environments)
    .where(and(eq(environments.workspaceId, workspaceId), eq(environments.id, id)));
  return row ?? null;
}

export function listEnvironments(db: Database, workspaceId: string, afterId: string | undefined, limit: number) {
  return db
    .select()
    .from(environments)
    .where(and(eq(environments.workspaceId, workspaceId), afterId ? gt(environments.id, afterId) : undefined))
    .orderBy(asc(environments.id))
    .limit(limit);
}

export function insertEnvironment(db: Database, row: EnvironmentRow) {
  return db.insert(environments).values(row);
}

export function updateEnvironment(db: Database, row: EnvironmentRow) {
  const { id, workspaceId, ...changes } = row;
  return db
    .update(environments)
    .set(changes)
    .where(and(eq(environments.workspaceId, workspaceId), eq(environments.id, id)));
}

export function deleteEnvironment(db: Database, workspaceId: string, id: string) {
  return db.delete(environments).where(and(eq(environments.workspaceId, workspaceId), eq(environments.id, id)));
}

export async function environmentHasReleases(db: Database, workspaceId: string, environmentId: string) {
  const [row] = await db
    .select({ found: sql<number>`1` })
    .from(releases)
    .where(and(eq(releases.workspaceId, workspaceId), eq(releases.environmentId, environmentId)))
    .limit(1);
  return row !== undefined;
}

/** SQL condition for batch guards: no release lives in the environment. */
export function environmentHasNoReleases(workspaceId: string, environmentId: string) {
  return sql`NOT EXISTS (SELECT 1 FROM ${releases} WHERE ${releases.workspaceId} = ${workspaceId} AND ${releases.environmentId} = ${environmentId})`;
}
