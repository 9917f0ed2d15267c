import { and, desc, eq, gte, inArray, lt, lte, or, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { executions } from "../db/schema";
import type { ExecutionRecord } from "../runtime/execution-record";

export type ExecutionRow = typeof executions.$inferSelect;

/** Inserts records; one already written (a queue redelivery) is left as it is. */
export function insertExecutions(db: Database, records: ExecutionRecord[]) {
  return records.map((r) =>
    db
      .insert(executions)
      .values({
        id: r.id,
        workspaceId: r.workspace_id,
        environmentId: r.environment_id,
        deploymentId: r.deployment_id,
        releaseId: r.release_id,
        releaseTag: r.release_tag,
        kind: r.kind,
        status: r.status,
        errorCode: r.error_code,
        errorMessage: r.error_message,
        modelProvider: r.model_provider,
        modelName: r.model_name,
        inputTokens: r.input_tokens,
        outputTokens: r.output_tokens,
        costUsd: r.cost_usd,
        latencyMs: r.latency_ms,
        externalId: r.external_id,
        metadata: r.metadata,
        inputs: r.inputs,
        outputs: r.outputs,
        nodes: r.nodes,
        startedAt: r.started_at,
        createdAt: new Date(r.started_at).toISOString(),
      })
      .onConflictDoNothing(),
  );
}

export interface ExecutionFilter {
  workspaceId: string;
  environmentId: string;
  deploymentId?: string | undefined;
  releaseId?: string | undefined;
  status?: ExecutionRow["status"] | undefined;
  from?: number | undefined;
  to?: number | undefined;
  /** Keyset: executions before this (started_at, id), newest first. */
  before?: { startedAt: number; id: string } | undefined;
  limit: number;
}

export function listExecutions(db: Database, f: ExecutionFilter) {
  const conditions: (SQL | undefined)[] = [
    eq(executions.workspaceId, f.workspaceId),
    eq(executions.environmentId, f.environmentId),
    f.deploymentId ? eq(executions.deploymentId, f.deploymentId) : undefined,
    f.releaseId ? eq(executions.releaseId, f.releaseId) : undefined,
    f.status ? eq(executions.status, f.status) : undefined,
    f.from !== undefined ? gte(executions.startedAt, f.from) : undefined,
    f.to !== undefined ? lte(executions.startedAt, f.to) : undefined,
    f.before
      ? or(lt(executions.startedAt, f.before.startedAt), and(eq(executions.startedAt, f.before.startedAt), lt(executions.id, f.before.id)))
      : undefined,
  ];
  return db
    .select()
    .from(executions)
    .where(and(...conditions))
    .orderBy(desc(executions.startedAt), desc(executions.id))
    .limit(f.limit);
}

export async function findExecution(db: Database, workspaceId: string, environmentId: string, id: string) {
  const [row] = await db
    .select()
    .from(executions)
    .where(and(eq(executions.workspaceId, workspaceId), eq(executions.environmentId, environmentId), eq(executions.id, id)));
  return row ?? null;
}

export async function findExecutionByExternalId(db: Database, workspaceId: string, environmentId: string, externalId: string) {
  const [row] = await db
    .select()
    .from(executions)
    .where(and(eq(executions.workspaceId, workspaceId), eq(executions.environmentId, environmentId), eq(executions.externalId, externalId)))
    .orderBy(desc(executions.startedAt))
    .limit(1);
  return row ?? null;
}

export function recordActual(
  db: Database,
  workspaceId: string,
  id: string,
  actual: { qualityScore: number | null; actualText: string | null; actualMetadata: unknown; actualAt: string },
) {
  return db.update(executions).set(actual).where(and(eq(executions.workspaceId, workspaceId), eq(executions.id, id)));
}

/**
 * Deletes up to `limit` of an environment's executions that started before
 * `cutoff` (ms). No trigger fires: retention deletes the rollups of the same
 * hours itself.
 */
export function deleteExecutionsBefore(db: Database, workspaceId: string, environmentId: string, cutoff: number, limit: number) {
  const doomed = db
    .select({ id: executions.id })
    .from(executions)
    .where(and(eq(executions.workspaceId, workspaceId), eq(executions.environmentId, environmentId), lt(executions.startedAt, cutoff)))
    .limit(limit);
  return db.delete(executions).where(and(eq(executions.workspaceId, workspaceId), inArray(executions.id, doomed)));
}
