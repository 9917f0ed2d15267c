import { type AnyColumn, and, desc, eq, getTableColumns, inArray, lt, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Database } from "../db/client";
import { apiKeys, deployments, releases, releaseTags } from "../db/schema";

export type ReleaseRow = typeof releases.$inferSelect;
export type ReleaseTagRow = typeof releaseTags.$inferSelect;

export const LATEST = "LATEST";

export async function findRelease(db: Database, workspaceId: string, id: string) {
  const [row] = await db
    .select()
    .from(releases)
    .where(and(eq(releases.workspaceId, workspaceId), eq(releases.id, id)));
  return row ?? null;
}

export async function findReleaseByVersion(db: Database, workspaceId: string, deploymentId: string, environmentId: string, version: number) {
  const [row] = await db
    .select()
    .from(releases)
    .where(and(eq(releases.workspaceId, workspaceId), eq(releases.deploymentId, deploymentId), eq(releases.environmentId, environmentId), eq(releases.version, version)));
  return row ?? null;
}

/** The newest release of a deployment in an environment: what LATEST names. */
export async function findLatestRelease(db: Database, workspaceId: string, deploymentId: string, environmentId: string) {
  const [row] = await db
    .select()
    .from(releases)
    .where(and(eq(releases.workspaceId, workspaceId), eq(releases.deploymentId, deploymentId), eq(releases.environmentId, environmentId)))
    .orderBy(desc(releases.version))
    .limit(1);
  return row ?? null;
}

/** One environment's history of a deployment, newest first. */
export function listReleases(db: Database, workspaceId: string, deploymentId: string, environmentId: string, beforeVersion: number | undefined, limit: number) {
  return db
    .select()
    .from(releases)
    .where(
      and(
        eq(releases.workspaceId, workspaceId),
        eq(releases.deploymentId, deploymentId),
        eq(releases.environmentId, environmentId),
        beforeVersion !== undefined ? lt(releases.version, beforeVersion) : undefined,
      ),
    )
    .orderBy(desc(releases.version))
    .limit(limit);
}

export function insertRelease(db: Database, row: ReleaseRow) {
  return db.insert(releases).values(row);
}

export function listTags(db: Database, workspaceId: string, deploymentId: string, environmentId: string) {
  return db
    .select()
    .from(releaseTags)
    .where(and(eq(releaseTags.workspaceId, workspaceId), eq(releaseTags.deploymentId, deploymentId), eq(releaseTags.environmentId, environmentId)))
    .orderBy(releaseTags.name);
}

export async function findTag(db: Database, workspaceId: string, deploymentId: string, environmentId: string, name: string) {
  const [row] = await db
    .select()
    .from(releaseTags)
    .where(and(eq(releaseTags.workspaceId, workspaceId), eq(releaseTags.deploymentId, deploymentId), eq(releaseTags.environmentId, environmentId), eq(releaseTags.name, name)));
  return row ?? null;
}

export function tagsOfReleases(db: Database, workspaceId: string, releaseIds: string[]) {
  if (releaseIds.length === 0) return Promise.resolve([] as ReleaseTagRow[]);
  return db
    .select()
    .from(releaseTags)
    .where(and(eq(releaseTags.workspaceId, workspaceId), inArray(releaseTags.releaseId, releaseIds)));
}

/** Points a tag at a release, creating it or moving it. */
export function upsertTag(db: Database, row: ReleaseTagRow) {
  return db
    .insert(releaseTags)
    .values(row)
    .onConflictDoUpdate({
      target: [releaseTags.deploymentId, releaseTags.environmentId, releaseTags.name],
      set: { releaseId: row.releaseId, updatedAt: row.updatedAt, updatedBy: row.updatedBy },
    });
}

/**
 * SQL condition for batch guards: `version` is still the next free number.
 * The coordinator serializes writers, so this only fails if something
 * bypassed it; the unique index is the last line of defence.
 */
export function versionIsNext(workspaceId: string, deploymentId: string, environmentId: string, version: number) {
  return sql`COALESCE((SELECT MAX(${releases.version}) FROM ${releases} WHERE ${releases.workspaceId} = ${workspaceId} AND ${releases.deploymentId} = ${deploymentId} AND ${releases.environmentId} = ${environmentId}), 0) = ${version - 1}`;
}

/** The releases LATEST names, for these deployments in these environments. */
export function liveReleases(db: Database, workspaceId: string, deploymentIds: string[], environmentIds: string[]) {
  if (deploymentIds.length === 0 || environmentIds.length === 0) return Promise.resolve([] as ReleaseRow[]);
  return db
    .select(getTableColumns(releases))
    .from(releaseTags)
    .innerJoin(releases, eq(releases.id, releaseTags.releaseId))
    .where(
      and(
        eq(releaseTags.workspaceId, workspaceId),
        eq(releaseTags.name, LATEST),
        inArray(releaseTags.deploymentId, deploymentIds),
        inArray(releaseTags.environmentId, environmentIds),
      ),
    );
}

/** SQL condition: the deployment has a live release in one of these environments. */
export function isLiveIn(workspaceId: string, deploymentIdColumn: SQL | AnyColumn, environmentIds: string[]) {
  return sql`EXISTS (SELECT 1 FROM ${releaseTags} WHERE ${releaseTags.workspaceId} = ${workspaceId} AND ${releaseTags.deploymentId} = ${deploymentIdColumn} AND ${releaseTags.name} = ${LATEST} AND ${inArray(releaseTags.environmentId, environmentIds)})`;
}

/** Every release LATEST names in these environments, with its deployment's name and kind and the name of the key that created it (when a key did). */
export function liveReleasesWithAuthors(db: Database, workspaceId: string, environmentIds: string[]) {
  if (environmentIds.length === 0) return Promise.resolve([]);
  return db
    .select({ ...getTableColumns(releases), deploymentName: deployments.name, deploymentKind: deployments.kind, createdByName: apiKeys.name })
    .from(releaseTags)
    .innerJoin(releases, eq(releases.id, releaseTags.releaseId))
    .innerJoin(deployments, and(eq(deployments.workspaceId, workspaceId), eq(deployments.id, releaseTags.deploymentId)))
    .leftJoin(apiKeys, and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.id, releases.createdBy)))
    .where(and(eq(releaseTags.workspaceId, workspaceId), eq(releaseTags.name, LATEST), inArray(releaseTags.environmentId, environmentIds)));
}

/**
 * Per deployment live in `matchEnvironmentId`, in `environmentId`: its newest
 * version, and the newest version whose content hash equals that of the
 * release LATEST names in `matchEnvironmentId` (null when none has it).
 * Deployments without a release in `environmentId` are left out.
 */
export function newestVersionsMatching(db: Database, workspaceId: string, environmentId: string, matchEnvironmentId: string) {
  const live = alias(releases, "live");
  return db
    .select({
      deploymentId: releases.deploymentId,
      newest: sql<number>`MAX(${releases.version})`,
      matching: sql<number | null>`MAX(CASE WHEN ${releases.contentHash} = ${live.contentHash} THEN ${releases.version} END)`,
    })
    .from(releases)
    .innerJoin(
      releaseTags,
      and(
        eq(releaseTags.workspaceId, workspaceId),
        eq(releaseTags.deploymentId, releases.deploymentId),
        eq(releaseTags.environmentId, matchEnvironmentId),
        eq(releaseTags.name, LATEST),
      ),
    )
    .innerJoin(live, eq(live.id, releaseTags.releaseId))
    .where(and(eq(releases.workspaceId, workspaceId), eq(releases.environmentId, environmentId)))
    .groupBy(releases.deploymentId);
}

/** Every tag in these environments, with its deployment's name and when the release it names was created. */
export function tagsWithReleasesIn(db: Database, workspaceId: string, environmentIds: string[]) {
  if (environmentIds.length === 0) return Promise.resolve([]);
  return db
    .select({
      deploymentId: releaseTags.deploymentId,
      deploymentName: deployments.name,
      environmentId: releaseTags.environmentId,
      name: releaseTags.name,
      releaseId: releaseTags.releaseId,
      releaseCreatedAt: releases.createdAt,
    })
    .from(releaseTags)
    .innerJoin(releases, eq(releases.id, releaseTags.releaseId))
    .innerJoin(deployments, and(eq(deployments.workspaceId, workspaceId), eq(deployments.id, releaseTags.deploymentId)))
    .where(and(eq(releaseTags.workspaceId, workspaceId), inArray(releaseTags.environmentId, environmentIds)));
}
