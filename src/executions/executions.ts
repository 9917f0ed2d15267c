import { resolveEnvironment } from "../access/permissions";
import type { Deps, Principal } from "../context";
import { runBatch } from "../db/batch";
import { type CursorList, decodeCursor, encodeCursor } from "../lib/pagination";
import { fail, ok, type Result } from "../lib/result";
import { findDeploymentByIdOrName } from "../releases/deployment-repository";
import { findLatestRelease } from "../releases/release-repository";
import { type ExecutionRow, findExecution, findExecutionByExternalId, listExecutions, recordActual } from "./repository";

export function executionView(row: ExecutionRow, environmentName: string) {
  return {
    id: row.id,
    environment: environmentName,
    deployment_id: row.deploymentId,
    release_id: row.releaseId,
    release_tag: row.releaseTag,
    kind: row.kind,
    status: row.status,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? "" } : null,
    model: row.modelProvider ? { provider: row.modelProvider, name: row.modelName, fallback_index: row.fallbackIndex, attempts: row.attempts } : null,
    usage: row.inputTokens === null && row.outputTokens === null ? null : { input_tokens: row.inputTokens, output_tokens: row.outputTokens },
    cost_usd: row.costUsd,
    latency_ms: row.latencyMs,
    external_id: row.externalId,
    metadata: row.metadata,
    inputs: row.inputs,
    outputs: row.outputs,
    nodes: row.nodes,
    quality_score: row.qualityScore,
    actual: row.actualAt ? { text: row.actualText, metadata: row.actualMetadata, at: row.actualAt } : null,
    created_at: row.createdAt,
    edge_stale: row.edgeStale,
  };
}

interface Cursor {
  startedAt: number;
  id: string;
}

/** The position inside a cursor: when the last execution started, and its id (for ties). */
function decodeExecutionCursor(cursor: string | undefined, list: CursorList): Result<Cursor | undefined> {
  const position = decodeCursor<string>(cursor, "string", list);
  if (!position.ok || position.value === undefined) return position as Result<undefined>;
  const match = /^(\d+)\.(exe_[0-9a-z]+)$/.exec(position.value);
  return match
    ? ok({ startedAt: Number(match[1]), id: match[2]! })
    : fail("VALIDATION_FAILED", "The cursor is not one this API returned", [{ path: "query.cursor", message: "Invalid cursor" }]);
}

/** One environment's executions, newest first, filtered; reads D1 (this is not the invoke path). */
export async function listExecutionsFor(
  deps: Deps,
  principal: Principal,
  query: {
    environment?: string | undefined;
    deployment?: string | undefined;
    release_id?: string | undefined;
    status?: "FULFILLED" | "REJECTED" | undefined;
    from?: string | undefined;
    to?: string | undefined;
    cursor?: string | undefined;
    limit: number;
  },
) {
  const { environment, deployment, release_id, status, from, to } = query;
  const list = { name: "executions", filters: { environment, deployment, release_id, status, from, to } };
  const before = decodeExecutionCursor(query.cursor, list);
  if (!before.ok) return before;
  if (query.from !== undefined && query.to !== undefined && Date.parse(query.from) > Date.parse(query.to)) {
    return fail("VALIDATION_FAILED", "Invalid query.from: must not be after `to`", [{ path: "query.from", message: "Must not be after `to`" }]);
  }
  const env = await resolveEnvironment(deps, principal, query.environment, "read");
  if (!env.ok) return env;
  let deploymentId: string | undefined;
  if (query.deployment) {
    // As /v1/metrics does: a deployment is part of an environment once it has a release there.
    const deployment = await findDeploymentByIdOrName(deps.db, principal.workspaceId, query.deployment);
    if (!deployment || !(await findLatestRelease(deps.db, principal.workspaceId, deployment.id, env.value.id))) {
      return fail("NOT_FOUND", `No deployment "${query.deployment}" in ${env.value.name}`, [{ path: "query.deployment", message: "Unknown deployment" }]);
    }
    deploymentId = deployment.id;
  }
  const rows = await listExecutions(deps.db, {
    workspaceId: principal.workspaceId,
    environmentId: env.value.id,
    deploymentId,
    releaseId: query.release_id,
    status: query.status,
    from: query.from ? Date.parse(query.from) : undefined,
    to: query.to ? Date.parse(query.to) : undefined,
    before: before.value,
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return ok({
    data: page.map((r) => executionView(r, env.value.name)),
    next_cursor: rows.length > query.limit && last ? encodeCursor(list, `${last.startedAt}.${last.id}`) : null,
  });
}

export async function getExecution(deps: Deps, principal: Principal, id: string, environmentName: string | undefined) {
  const env = await resolveEnvironment(deps, principal, environmentName, "read");
  if (!env.ok) return env;
  const row = await findExecution(deps.db, principal.workspaceId, env.value.id, id);
  if (!row) return fail("NOT_FOUND", `No execution "${id}" in ${env.value.name}`);
  return ok(executionView(row, env.value.name));
}

export interface Actual {
  id?: string | null | undefined;
  external_id?: string | null | undefined;
  text?: string | null | undefined;
  quality?: number | null | undefined;
  timestamp?: string | null | undefined;
  metadata?: Record<string, unknown> | null | undefined;
}

/**
 * Vellum's completion actuals: quality feedback on executions of this
 * environment, found by execution id or external id. All or nothing.
 */
export async function submitActuals(
  deps: Deps,
  principal: Principal,
  environmentName: string | undefined,
  input: { deployment_id?: string | null | undefined; deployment_name?: string | null | undefined; actuals: Actual[] },
): Promise<Result<{ updated: number }>> {
  const env = await resolveEnvironment(deps, principal, environmentName, "execute");
  if (!env.ok) return env;
  const named = input.deployment_id ?? input.deployment_name;
  const deployment = named ? await findDeploymentByIdOrName(deps.db, principal.workspaceId, named) : null;
  if (named && !deployment)
    return fail("NOT_FOUND", `No deployment "${named}"`, [{ path: input.deployment_id ? "body.deployment_id" : "body.deployment_name", message: "Unknown deployment" }]);
  const writes = [];
  for (const [i, actual] of input.actuals.entries()) {
    const row = actual.id
      ? await findExecution(deps.db, principal.workspaceId, env.value.id, actual.id)
      : actual.external_id
        ? await findExecutionByExternalId(deps.db, principal.workspaceId, env.value.id, actual.external_id)
        : undefined;
    if (row === undefined) return fail("VALIDATION_FAILED", "Each actual names an execution", [{ path: `body.actuals[${i}]`, message: "Give id or external_id" }]);
    if (!row || (deployment && row.deploymentId !== deployment.id)) {
      return fail("NOT_FOUND", `No execution ${actual.id ?? actual.external_id} in ${env.value.name}`, [{ path: `body.actuals[${i}]`, message: "Unknown execution" }]);
    }
    writes.push(
      recordActual(deps.db, principal.workspaceId, row.id, {
        qualityScore: actual.quality ?? row.qualityScore,
        actualText: actual.text ?? row.actualText,
        actualMetadata: actual.metadata ?? row.actualMetadata,
        actualAt: actual.timestamp ?? deps.now().toISOString(),
      }),
    );
  }
  await runBatch(deps.db, writes);
  return ok({ updated: writes.length });
}
