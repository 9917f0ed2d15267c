import { and, asc, count, desc, eq, gt, inArray, lt, lte, or } from "drizzle-orm";
import type { Database } from "../db/client";
import { promotionRequests } from "../db/schema";

export type PromotionRequestRow = typeof promotionRequests.$inferSelect;

export async function findPromotionRequest(db: Database, workspaceId: string, id: string) {
  const [row] = await db
    .select()
    .from(promotionRequests)
    .where(and(eq(promotionRequests.workspaceId, workspaceId), eq(promotionRequests.id, id)));
  return row ?? null;
}

export interface PromotionRequestFilter {
  workspaceId: string;
  environmentId?: string | undefined;
  status?: PromotionRequestRow["status"] | undefined;
  beforeId?: string | undefined;
  limit: number;
}

export function listPromotionRequests(db: Database, filter: PromotionRequestFilter) {
  return db
    .select()
    .from(promotionRequests)
    .where(
      and(
        eq(promotionRequests.workspaceId, filter.workspaceId),
        filter.environmentId ? eq(promotionRequests.environmentId, filter.environmentId) : undefined,
        filter.status ? eq(promotionRequests.status, filter.status) : undefined,
        filter.beforeId ? lt(promotionRequests.id, filter.beforeId) : undefined,
      ),
    )
    .orderBy(desc(promotionRequests.id))
    .limit(filter.limit);
}

export function insertPromotionRequest(db: Database, row: PromotionRequestRow) {
  return db.insert(promotionRequests).values(row);
}

/** Saves a request's new state, only if its status is still the one it was read with. */
export function updatePromotionRequest(db: Database, row: PromotionRequestRow, readStatus: PromotionRequestRow["status"]) {
  const { id, workspaceId, ...changes } = row;
  return db
    .update(promotionRequests)
    .set(changes)
    .where(and(eq(promotionRequests.workspaceId, workspaceId), eq(promotionRequests.id, id), eq(promotionRequests.status, readStatus)));
}

/**
 * Requests that can change without anyone deciding (oldest first): approved
 * ones waiting for their environment's policy, and open ones past expiry.
 */
export function listUnsettledPromotionRequests(db: Database, filter: { workspaceId?: string; releaseId?: string; now: string; limit: number }) {
  return db
    .select()
    .from(promotionRequests)
    .where(
      and(
        or(eq(promotionRequests.status, "approved"), and(eq(promotionRequests.status, "pending"), lte(promotionRequests.expiresAt, filter.now))),
        filter.workspaceId ? eq(promotionRequests.workspaceId, filter.workspaceId) : undefined,
        filter.releaseId ? eq(promotionRequests.releaseId, filter.releaseId) : undefined,
      ),
    )
    .orderBy(asc(promotionRequests.id))
    .limit(filter.limit);
}

/** The open request (pending and unexpired, or approved and waiting) to promote `releaseId` into an environment, if any. */
export async function findOpenPromotionRequest(db: Database, workspaceId: string, releaseId: string, environmentId: string, now: string) {
  const [row] = await db
    .select()
    .from(promotionRequests)
    .where(
      and(
        eq(promotionRequests.workspaceId, workspaceId),
        eq(promotionRequests.releaseId, releaseId),
        eq(promotionRequests.environmentId, environmentId),
        or(and(eq(promotionRequests.status, "pending"), gt(promotionRequests.expiresAt, now)), eq(promotionRequests.status, "approved")),
      ),
    )
    .limit(1);
  return row ?? null;
}

/** How many promotion requests wait for a decision, per target environment, among these environments. */
export function countPendingByEnvironment(db: Database, workspaceId: string, environmentIds: string[]) {
  if (environmentIds.length === 0) return Promise.resolve([] as { environmentId: string; pending: number }[]);
  return db
    .select({ environmentId: promotionRequests.environmentId, pending: count() })
    .from(promotionRequests)
    .where(and(eq(promotionRequests.workspaceId, workspaceId), eq(promotionRequests.status, "pending"), inArray(promotionRequests.environmentId, environmentIds)))
    .groupBy(promotionRequests.environmentId);
}
