import { and, asc, desc, eq, gt, lt, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { auditEvents } from "../db/schema";

export type AuditEventRow = typeof auditEvents.$inferSelect;

export async function findAuditHead(db: Database, workspaceId: string) {
  const [head] = await db
    .select({ seq: auditEvents.seq, hash: auditEvents.hash })
    .from(auditEvents)
    .where(eq(auditEvents.workspaceId, workspaceId))
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  return head ?? null;
}

export function insertAuditEvent(db: Database, row: AuditEventRow) {
  return db.insert(auditEvents).values(row);
}

export interface AuditEventFilter {
  workspaceId: string;
  environmentId?: string | undefined;
  action?: string | undefined;
  targetId?: string | undefined;
  /** Only events older than this position (keyset pagination, newest first). */
  beforeSeq?: number | undefined;
  limit: number;
}

export function listAuditEvents(db: Database, filter: AuditEventFilter) {
  const conditions: SQL[] = [eq(auditEvents.workspaceId, filter.workspaceId)];
  if (filter.environmentId) conditions.push(eq(auditEvents.environmentId, filter.environmentId));
  if (filter.action) conditions.push(eq(auditEvents.action, filter.action));
  if (filter.targetId) conditions.push(eq(auditEvents.targetId, filter.targetId));
  if (filter.beforeSeq !== undefined) conditions.push(lt(auditEvents.seq, filter.beforeSeq));
  return db
    .select()
    .from(auditEvents)
    .where(and(...conditions))
    .orderBy(desc(auditEvents.seq))
    .limit(filter.limit);
}

/** One page of the chain in order, for verification. */
export function listAuditChainPage(db: Database, workspaceId: string, afterSeq: number, limit: number) {
  return db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.workspaceId, workspaceId), gt(auditEvents.seq, afterSeq)))
    .orderBy(asc(auditEvents.seq))
    .limit(limit);
}
