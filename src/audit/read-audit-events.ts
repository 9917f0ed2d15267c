import { requireScope, resolveListScope } from "../access/permissions";
import type { Deps, Principal } from "../context";
import { decodeCursor, toPage } from "../lib/pagination";
import { ok } from "../lib/result";
import { verifyAuditChain } from "./audit-log";
import { type AuditEventRow, listAuditEvents } from "./repository";

export function auditEventView(row: AuditEventRow) {
  return {
    id: row.id,
    seq: row.seq,
    occurred_at: row.occurredAt,
    actor: { type: row.actorType, id: row.actorId, ...(row.actorIdentity ? { identity: row.actorIdentity } : {}) },
    action: row.action,
    target: { type: row.targetType, id: row.targetId },
    environment_id: row.environmentId,
    before: row.before,
    after: row.after,
    request_id: row.requestId,
    prev_hash: row.prevHash,
    hash: row.hash,
  };
}

export async function listAuditEventsFor(
  deps: Deps,
  principal: Principal,
  query: { environment?: string | undefined; action?: string | undefined; target_id?: string | undefined; cursor?: string | undefined; limit: number },
) {
  const list = { name: "audit-events", filters: { environment: query.environment, action: query.action, target_id: query.target_id } };
  const before = decodeCursor<number>(query.cursor, "number", list);
  if (!before.ok) return before;
  const scope = await resolveListScope(deps, principal, "admin", query.environment);
  if (!scope.ok) return scope;
  const environmentId = scope.value;
  const rows = await listAuditEvents(deps.db, {
    workspaceId: principal.workspaceId,
    environmentId,
    action: query.action,
    targetId: query.target_id,
    beforeSeq: before.value,
    limit: query.limit + 1,
  });
  return ok(toPage(rows, query.limit, (row) => row.seq, auditEventView, list));
}

/** The chain spans the whole workspace, so only workspace admins verify it. */
export async function verifyWorkspaceAudit(deps: Deps, principal: Principal) {
  const access = requireScope(principal, "admin", null);
  if (!access.ok) return access;
  return ok(await verifyAuditChain(deps, principal.workspaceId));
}
