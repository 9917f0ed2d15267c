import { and, asc, desc, eq, inArray, lt } from "drizzle-orm";
import type { Database } from "../db/client";
import { scheduledReleases } from "../db/schema";

export type ScheduledReleaseRow = typeof scheduledReleases.$inferSelect;

export async function findScheduledRelease(db: Database, workspaceId: string, id: string) {
  const [row] = await db
    .select()
    .from(scheduledReleases)
    .where(and(eq(scheduledReleases.workspaceId, workspaceId), eq(scheduledReleases.id, id)));
  return row ?? null;
}

/** A deployment's scheduled releases still waiting, soonest first. */
export function listWaitingScheduledReleases(db: Database, workspaceId: string, deploymentId: string) {
  return db
    .select()
    .from(scheduledReleases)
    .where(and(eq(scheduledReleases.workspaceId, workspaceId), eq(scheduledReleases.deploymentId, deploymentId), eq(scheduledReleases.status, "scheduled")))
    .orderBy(asc(scheduledReleases.scheduledAt), asc(scheduledReleases.id));
}

export interface ScheduledReleaseFilter {
  workspaceId: string;
  environmentIds: string[];
  deploymentId?: string | undefined;
  status?: ScheduledReleaseRow["status"] | undefined;
  /** Keyset: scheduled releases before this id (ids grow with time). */
  beforeId?: string | undefined;
  limit: number;
}

/** Scheduled releases into the given environments, newest first. */
export function listScheduledReleases(db: Database, f: ScheduledReleaseFilter) {
  if (f.environmentIds.length === 0) return Promise.resolve([] as ScheduledReleaseRow[]);
  return db
    .select()
    .from(scheduledReleases)
    .where(
      and(
        eq(scheduledReleases.workspaceId, f.workspaceId),
        inArray(scheduledReleases.environmentId, f.environmentIds),
        f.deploymentId ? eq(scheduledReleases.deploymentId, f.deploymentId) : undefined,
        f.status ? eq(scheduledReleases.status, f.status) : undefined,
        f.beforeId ? lt(scheduledReleases.id, f.beforeId) : undefined,
      ),
    )
    .orderBy(desc(scheduledReleases.id))
    .limit(f.limit);
}

export function insertScheduledRelease(db: Database, row: ScheduledReleaseRow) {
  return db.insert(scheduledReleases).values(row);
}

/** Writes a scheduled release's new state, only if it still waits (the batch fails otherwise). */
export function closeScheduledRelease(db: Database, row: ScheduledReleaseRow) {
  return db
    .update(scheduledReleases)
    .set(row)
    .where(and(eq(scheduledReleases.id, row.id), eq(scheduledReleases.status, "scheduled")));
}
