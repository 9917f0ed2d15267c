import { and, asc, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { environmentSecrets } from "../db/schema";

export type EnvironmentSecretRow = typeof environmentSecrets.$inferSelect;

export function listSecrets(db: Database, workspaceId: string, environmentId: string) {
  return db
    .select()
    .from(environmentSecrets)
    .where(and(eq(environmentSecrets.workspaceId, workspaceId), eq(environmentSecrets.environmentId, environmentId)))
    .orderBy(asc(environmentSecrets.name));
}

export async function findSecret(db: Database, workspaceId: string, environmentId: string, name: string) {
  const [row] = await db
    .select()
    .from(environmentSecrets)
    .where(and(eq(environmentSecrets.workspaceId, workspaceId), eq(environmentSecrets.environmentId, environmentId), eq(environmentSecrets.name, name)));
  return row ?? null;
}

export function upsertSecret(db: Database, row: EnvironmentSecretRow) {
  return db
    .insert(environmentSecrets)
    .values(row)
    .onConflictDoUpdate({
      target: [environmentSecrets.environmentId, environmentSecrets.name],
      set: { ciphertext: row.ciphertext, allowedHosts: row.allowedHosts, updatedAt: row.updatedAt, updatedBy: row.updatedBy },
    });
}

export function deleteSecret(db: Database, workspaceId: string, environmentId: string, name: string) {
  return db
    .delete(environmentSecrets)
    .where(and(eq(environmentSecrets.workspaceId, workspaceId), eq(environmentSecrets.environmentId, environmentId), eq(environmentSecrets.name, name)));
}

export function deleteEnvironmentSecrets(db: Database, workspaceId: string, environmentId: string) {
  return db.delete(environmentSecrets).where(and(eq(environmentSecrets.workspaceId, workspaceId), eq(environmentSecrets.environmentId, environmentId)));
}
