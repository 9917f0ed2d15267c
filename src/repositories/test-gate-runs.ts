import { and, desc, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { testSuiteRuns, testSuites } from "../db/schema";

/** The newest completed run of a suite on one release: the evidence a test gate judges. */
export async function latestCompletedRun(db: Database, workspaceId: string, testSuiteId: string, releaseId: string) {
  const [row] = await db
    .select()
    .from(testSuiteRuns)
    .where(
      and(
        eq(testSuiteRuns.workspaceId, workspaceId),
        eq(testSuiteRuns.testSuiteId, testSuiteId),
        eq(testSuiteRuns.releaseId, releaseId),
        eq(testSuiteRuns.status, "completed"),
      ),
    )
    .orderBy(desc(testSuiteRuns.createdAt), desc(testSuiteRuns.id))
    .limit(1);
  return row ?? null;
}

export async function findTestSuiteName(db: Database, workspaceId: string, id: string) {
  const [row] = await db
    .select({ name: testSuites.name })
    .from(testSuites)
    .where(and(eq(testSuites.workspaceId, workspaceId), eq(testSuites.id, id)));
  return row?.name ?? null;
}
