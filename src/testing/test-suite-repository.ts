import { and, asc, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { testSuiteRuns, testSuites } from "../db/schema";

export type TestSuiteRow = typeof testSuites.$inferSelect;
export type TestSuiteRunRow = typeof testSuiteRuns.$inferSelect;

export async function findTestSuite(db: Database, workspaceId: string, id: string) {
  const [row] = await db
    .select()
    .from(testSuites)
    .where(and(eq(testSuites.workspaceId, workspaceId), eq(testSuites.id, id)));
  return row ?? null;
}

export async function findTestSuiteByName(db: Database, workspaceId: string, name: string) {
  const [row] = await db
    .select()
    .from(testSuites)
    .where(and(eq(testSuites.workspaceId, workspaceId), eq(testSuites.name, name)));
  return row ?? null;
}

/** A workspace's suites, newest first; with `deploymentId`, only that deployment's. */
export function listTestSuites(db: Database, workspaceId: string, filter: { deploymentId?: string | undefined; beforeId?: string | undefined }, limit: number) {
  return db
    .select()
    .from(testSuites)
    .where(
      and(
        eq(testSuites.workspaceId, workspaceId),
        filter.deploymentId !== undefined ? eq(testSuites.deploymentId, filter.deploymentId) : undefined,
        filter.beforeId !== undefined ? lt(testSuites.id, filter.beforeId) : undefined,
      ),
    )
    .orderBy(desc(testSuites.id))
    .limit(limit);
}

/** Every suite of one deployment: what a test gate requires its releases to pass. */
export function listDeploymentTestSuites(db: Database, workspaceId: string, deploymentId: string) {
  return db
    .select()
    .from(testSuites)
    .where(and(eq(testSuites.workspaceId, workspaceId), eq(testSuites.deploymentId, deploymentId)))
    .orderBy(asc(testSuites.name));
}

export function insertTestSuite(db: Database, row: TestSuiteRow) {
  return db.insert(testSuites).values(row);
}

/** Saves a new revision; changes nothing unless the suite is still at the revision it was read at (see `testSuiteAtRevision`). */
export function updateTestSuiteFrom(db: Database, previousRevision: number, row: TestSuiteRow) {
  const { id, workspaceId, createdAt, createdBy, ...changes } = row;
  return db
    .update(testSuites)
    .set(changes)
    .where(and(eq(testSuites.workspaceId, workspaceId), eq(testSuites.id, id), eq(testSuites.revision, previousRevision)));
}

/** SQL condition for a batch guard: the suite is still at `revision`. */
export function testSuiteAtRevision(workspaceId: string, id: string, revision: number) {
  return sql`EXISTS (SELECT 1 FROM ${testSuites} WHERE ${testSuites.workspaceId} = ${workspaceId} AND ${testSuites.id} = ${id} AND ${testSuites.revision} = ${revision})`;
}

export function insertTestSuiteRun(db: Database, row: TestSuiteRunRow) {
  return db.insert(testSuiteRuns).values(row);
}

export async function findTestSuiteRun(db: Database, workspaceId: string, id: string) {
  const [row] = await db
    .select()
    .from(testSuiteRuns)
    .where(and(eq(testSuiteRuns.workspaceId, workspaceId), eq(testSuiteRuns.id, id)));
  return row ?? null;
}

/**
 * A suite's runs, newest first. With `environmentId`, only the runs an
 * environment key may see: its environment's release runs and sandbox runs.
 */
export function listTestSuiteRuns(
  db: Database,
  workspaceId: string,
  testSuiteId: string,
  filter: { visibleFromEnvironmentId?: string | undefined; releaseId?: string | undefined; beforeId?: string | undefined },
  limit: number,
) {
  return db
    .select()
    .from(testSuiteRuns)
    .where(
      and(
        eq(testSuiteRuns.workspaceId, workspaceId),
        eq(testSuiteRuns.testSuiteId, testSuiteId),
        filter.visibleFromEnvironmentId !== undefined ? or(isNull(testSuiteRuns.environmentId), eq(testSuiteRuns.environmentId, filter.visibleFromEnvironmentId)) : undefined,
        filter.releaseId !== undefined ? eq(testSuiteRuns.releaseId, filter.releaseId) : undefined,
        filter.beforeId !== undefined ? lt(testSuiteRuns.id, filter.beforeId) : undefined,
      ),
    )
    .orderBy(desc(testSuiteRuns.id))
    .limit(limit);
}

/** The newest completed run of a suite on one release, or null: the evidence a test gate judges. */
export async function latestCompletedRun(db: Database, workspaceId: string, testSuiteId: string, releaseId: string) {
  const [row] = await db
    .select()
    .from(testSuiteRuns)
    .where(
      and(eq(testSuiteRuns.workspaceId, workspaceId), eq(testSuiteRuns.testSuiteId, testSuiteId), eq(testSuiteRuns.releaseId, releaseId), eq(testSuiteRuns.status, "completed")),
    )
    .orderBy(desc(testSuiteRuns.createdAt), desc(testSuiteRuns.id))
    .limit(1);
  return row ?? null;
}
