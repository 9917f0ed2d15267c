import { and, desc, eq, getTableColumns, isNull, lt, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { apiKeys, environments } from "../db/schema";

export type ApiKeyRow = typeof apiKeys.$inferSelect;

/** A key row with the name of its environment, which the API shows instead of the id. */
export type ApiKeyWithEnvironment = ApiKeyRow & { environmentName: string | null };

function selectKeys(db: Database) {
  return db
    .select({ ...getTableColumns(apiKeys), environmentName: environments.name })
    .from(apiKeys)
    .leftJoin(environments, eq(environments.id, apiKeys.environmentId));
}

export async function findApiKeyById(db: Database, workspaceId: string, id: string): Promise<ApiKeyWithEnvironment | null> {
  const [row] = await selectKeys(db).where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.id, id)));
  return row ?? null;
}

/** The one lookup not scoped by workspace: authentication, before the workspace is known. */
export async function findApiKeyByHash(db: Database, keyHash: string): Promise<ApiKeyWithEnvironment | null> {
  const [row] = await selectKeys(db).where(eq(apiKeys.keyHash, keyHash));
  return row ?? null;
}

export interface ApiKeyFilter {
  workspaceId: string;
  /** undefined: every key; null: workspace keys only; a string: that environment's keys. */
  environmentId?: string | null | undefined;
  beforeId?: string | undefined;
  limit: number;
}

export function listApiKeys(db: Database, filter: ApiKeyFilter) {
  return selectKeys(db)
    .where(
      and(
        eq(apiKeys.workspaceId, filter.workspaceId),
        filter.environmentId === null ? isNull(apiKeys.environmentId) : filter.environmentId ? eq(apiKeys.environmentId, filter.environmentId) : undefined,
        filter.beforeId ? lt(apiKeys.id, filter.beforeId) : undefined,
      ),
    )
    .orderBy(desc(apiKeys.id))
    .limit(filter.limit);
}

export function listEnvironmentKeyHashes(db: Database, workspaceId: string, environmentId: string) {
  return db
    .select({ keyHash: apiKeys.keyHash })
    .from(apiKeys)
    .where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.environmentId, environmentId)));
}

export function insertApiKey(db: Database, row: ApiKeyRow) {
  return db.insert(apiKeys).values(row);
}

export function updateApiKey(db: Database, workspaceId: string, id: string, changes: Partial<Pick<ApiKeyRow, "expiresAt" | "revokedAt" | "replacedById">>) {
  return db
    .update(apiKeys)
    .set(changes)
    .where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.id, id)));
}

export function deleteEnvironmentKeys(db: Database, workspaceId: string, environmentId: string) {
  return db.delete(apiKeys).where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.environmentId, environmentId)));
}

/** SQL condition: the key exists, is not revoked and has not been replaced by a rotation. */
export function keyIsActiveAndUnrotated(workspaceId: string, id: string) {
  return sql`EXISTS (SELECT 1 FROM ${apiKeys} WHERE ${apiKeys.workspaceId} = ${workspaceId} AND ${apiKeys.id} = ${id} AND ${apiKeys.revokedAt} IS NULL AND ${apiKeys.replacedById} IS NULL)`;
}

/** Records when keys were last used; never moves `last_used_at` backwards. */
export function touchApiKey(db: Database, workspaceId: string, id: string, at: string) {
  return db
    .update(apiKeys)
    .set({ lastUsedAt: at })
    .where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.id, id), sql`(${apiKeys.lastUsedAt} IS NULL OR ${apiKeys.lastUsedAt} < ${at})`));
}

/** SQL condition: the key exists and is not revoked. */
export function keyIsNotRevoked(workspaceId: string, id: string) {
  return sql`EXISTS (SELECT 1 FROM ${apiKeys} WHERE ${apiKeys.workspaceId} = ${workspaceId} AND ${apiKeys.id} = ${id} AND ${apiKeys.revokedAt} IS NULL)`;
}
