import { and, desc, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { shadowExecutions } from "../db/schema";
import type { ShadowExecutionRecord } from "../queue/messages";

/** D1 binds at most 100 parameters per statement; a shadow row takes 18. */
const ROWS_PER_STATEMENT = 5;

/** Inserts shadow executions; one already written (a queue redelivery) is left as it is. */
export function insertShadowExecutions(db: Database, records: ShadowExecutionRecord[]) {
  const statements = [];
  for (let i = 0; i < records.length; i += ROWS_PER_STATEMENT) {
    const rows = records.slice(i, i + ROWS_PER_STATEMENT).map((r) => ({
      id: r.id,
      workspaceId: r.workspace_id,
      environmentId: r.environment_id,
      deploymentId: r.deployment_id,
      rolloutId: r.rollout_id,
      releaseId: r.release_id,
      servedExecutionId: r.served_execution_id,
      status: r.status,
      errorCode: r.error_code,
      latencyMs: r.latency_ms,
      inputTokens: r.input_tokens,
      outputTokens: r.output_tokens,
      costUsd: r.cost_usd,
      outputs: r.outputs,
      sameOutput: r.same_output,
      similarity: r.similarity,
      startedAt: r.started_at,
      createdAt: new Date(r.started_at).toISOString(),
    }));
    statements.push(db.insert(shadowExecutions).values(rows).onConflictDoNothing());
  }
  return statements;
}

/** A shadow rollout's comparison so far: how many candidate answers, how many equal to the served one, their mean similarity, errors. */
export async function shadowSummary(db: Database, workspaceId: string, rolloutId: string) {
  const [row] = await db
    .select({
      executions: sql<number>`count(*)`,
      sameOutputs: sql<number>`coalesce(sum(${shadowExecutions.sameOutput}), 0)`,
      meanSimilarity: sql<number | null>`avg(${shadowExecutions.similarity})`,
      errors: sql<number>`coalesce(sum(${shadowExecutions.status} = 'REJECTED'), 0)`,
      meanLatencyMs: sql<number | null>`avg(${shadowExecutions.latencyMs})`,
      costUsd: sql<number>`coalesce(sum(${shadowExecutions.costUsd}), 0)`,
    })
    .from(shadowExecutions)
    .where(and(eq(shadowExecutions.workspaceId, workspaceId), eq(shadowExecutions.rolloutId, rolloutId)));
  return row!;
}

/** The latest shadow executions of a rollout, newest first. */
export function listShadowExecutions(db: Database, workspaceId: string, rolloutId: string, limit: number) {
  return db
    .select()
    .from(shadowExecutions)
    .where(and(eq(shadowExecutions.workspaceId, workspaceId), eq(shadowExecutions.rolloutId, rolloutId)))
    .orderBy(desc(shadowExecutions.startedAt))
    .limit(limit);
}
