import { and, count, desc, eq, or } from "drizzle-orm";
import type { Database } from "../db/client";
import { deployments } from "../db/schema";
import { isLiveIn } from "./release-repository";

export type DeploymentRow = typeof deployments.$inferSelect;

export async function findDeployment(db: Database, workspaceId: string, id: string) {
  const [row] = await db
    .select()
    .from(deployments)
    .where(and(eq(deployments.workspaceId, workspaceId), eq(deployments.id, id)));
  return row ?? null;
}

/** Vellum addresses deployments by id or by name interchangeably. */
export async function findDeploymentByIdOrName(db: Database, workspaceId: string, idOrName: string) {
  const [row] = await db
    .select()
    .from(deployments)
    .where(and(eq(deployments.workspaceId, workspaceId), or(eq(deployments.id, idOrName), eq(deployments.name, idOrName))));
  return row ?? null;
}

export async function findDeploymentByName(db: Database, workspaceId: string, name: string) {
  const [row] = await db
    .select()
    .from(deployments)
    .where(and(eq(deployments.workspaceId, workspaceId), eq(deployments.name, name)));
  return row ?? null;
}

/** A page of one kind of deployment live in any of the environments, newest first, with the total. */
export async function listLiveDeployments(db: Database, workspaceId: string, kind: DeploymentRow["kind"], environmentIds: string[], offset: number, limit: number) {
  const where = and(eq(deployments.workspaceId, workspaceId), eq(deployments.kind, kind), isLiveIn(workspaceId, deployments.id, environmentIds));
  const [rows, [total]] = await Promise.all([
    db.select().from(deployments).where(where).orderBy(desc(deployments.id)).limit(limit).offset(offset),
    db.select({ n: count() }).from(deployments).where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}

export function insertDeployment(db: Database, row: DeploymentRow) {
  return db.insert(deployments).values(row);
}
