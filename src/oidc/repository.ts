import { and, asc, eq, gt, inArray, lt } from "drizzle-orm";
import type { Database } from "../db/client";
import { environments, oidcTrustPolicies, oidcUsedTokens } from "../db/schema";

export type TrustPolicyRow = typeof oidcTrustPolicies.$inferSelect;
export type UsedTokenRow = typeof oidcUsedTokens.$inferSelect;

/** A policy with the name of the environment it grants (null: a workspace key, or an environment since deleted). */
export type TrustPolicyWithEnvironment = TrustPolicyRow & { environmentName: string | null };

function selectPolicies(db: Database) {
  return db
    .select({
      id: oidcTrustPolicies.id,
      workspaceId: oidcTrustPolicies.workspaceId,
      name: oidcTrustPolicies.name,
      issuer: oidcTrustPolicies.issuer,
      audience: oidcTrustPolicies.audience,
      conditions: oidcTrustPolicies.conditions,
      environmentId: oidcTrustPolicies.environmentId,
      scopes: oidcTrustPolicies.scopes,
      keyTtlSeconds: oidcTrustPolicies.keyTtlSeconds,
      createdAt: oidcTrustPolicies.createdAt,
      createdBy: oidcTrustPolicies.createdBy,
      updatedAt: oidcTrustPolicies.updatedAt,
      environmentName: environments.name,
    })
    .from(oidcTrustPolicies)
    .leftJoin(environments, and(eq(environments.id, oidcTrustPolicies.environmentId), eq(environments.workspaceId, oidcTrustPolicies.workspaceId)));
}

export async function findTrustPolicy(db: Database, workspaceId: string, id: string): Promise<TrustPolicyWithEnvironment | null> {
  const [row] = await selectPolicies(db).where(and(eq(oidcTrustPolicies.workspaceId, workspaceId), eq(oidcTrustPolicies.id, id)));
  return row ?? null;
}

/** A workspace's policies, oldest first (ids sort by creation time). */
export function listTrustPolicies(db: Database, workspaceId: string, afterId: string | undefined, limit: number) {
  return selectPolicies(db)
    .where(and(eq(oidcTrustPolicies.workspaceId, workspaceId), afterId ? gt(oidcTrustPolicies.id, afterId) : undefined))
    .orderBy(asc(oidcTrustPolicies.id))
    .limit(limit);
}

/**
 * The one lookup across workspaces: the exchange does not know the workspace
 * until a policy matches. Oldest first, so the order is stable.
 */
export function listPoliciesTrustingIssuer(db: Database, issuer: string) {
  return selectPolicies(db).where(eq(oidcTrustPolicies.issuer, issuer)).orderBy(asc(oidcTrustPolicies.id)).limit(1_000);
}

export function insertTrustPolicy(db: Database, row: TrustPolicyRow) {
  return db.insert(oidcTrustPolicies).values(row);
}

export function updateTrustPolicy(db: Database, row: TrustPolicyRow) {
  const { id, workspaceId, createdAt: _, createdBy: __, ...changes } = row;
  return db
    .update(oidcTrustPolicies)
    .set(changes)
    .where(and(eq(oidcTrustPolicies.workspaceId, workspaceId), eq(oidcTrustPolicies.id, id)));
}

export function deleteTrustPolicy(db: Database, workspaceId: string, id: string) {
  return db.delete(oidcTrustPolicies).where(and(eq(oidcTrustPolicies.workspaceId, workspaceId), eq(oidcTrustPolicies.id, id)));
}

/** Fails the batch with a unique violation on (issuer, jti) when the token was exchanged before. */
export function insertUsedToken(db: Database, row: UsedTokenRow) {
  return db.insert(oidcUsedTokens).values(row);
}

/** Forgets used tokens that expired before `cutoff`: they can no longer be replayed anyway. */
export function deleteUsedTokensBefore(db: Database, workspaceId: string, cutoff: string, limit: number) {
  const doomed = db
    .select({ jti: oidcUsedTokens.jti })
    .from(oidcUsedTokens)
    .where(and(eq(oidcUsedTokens.workspaceId, workspaceId), lt(oidcUsedTokens.expiresAt, cutoff)))
    .limit(limit);
  return db.delete(oidcUsedTokens).where(and(eq(oidcUsedTokens.workspaceId, workspaceId), lt(oidcUsedTokens.expiresAt, cutoff), inArray(oidcUsedTokens.jti, doomed)));
}
