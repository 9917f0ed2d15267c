import type { Deps, Principal } from "../context";
import { decodeCursor, toPage } from "../lib/pagination";
import { fail, ok, type Result } from "../lib/result";
import { findPromotionRequest, listPromotionRequests, type PromotionRequestRow } from "../repositories/promotion-requests";
import { canSee, requireScope, resolveListScope } from "./access";
import { environmentNames, promotionRequestView, type PromotionRequestView } from "./release-views";

export async function listPromotionRequestsFor(
  deps: Deps,
  principal: Principal,
  query: { environment?: string | undefined; status?: PromotionRequestRow["status"] | undefined; cursor?: string | undefined; limit: number },
) {
  const before = decodeCursor<string>(query.cursor, "string");
  if (!before.ok) return before;
  const scope = await resolveListScope(deps, principal, "read", query.environment);
  if (!scope.ok) return scope;
  const rows = await listPromotionRequests(deps.db, { workspaceId: principal.workspaceId, environmentId: scope.value, status: query.status, beforeId: before.value, limit: query.limit + 1 });
  const names = await environmentNames(deps.db, principal.workspaceId);
  return ok(toPage(rows, query.limit, (r) => r.id, (r) => promotionRequestView(r, names.get(r.environmentId) ?? "")));
}

export async function getPromotionRequest(deps: Deps, principal: Principal, id: string): Promise<Result<PromotionRequestView>> {
  const row = await findPromotionRequest(deps.db, principal.workspaceId, id);
  if (!row || !canSee(principal, row.environmentId)) return fail("NOT_FOUND", `No promotion request with id "${id}"`);
  const access = requireScope(principal, "read", row.environmentId);
  if (!access.ok) return access;
  const names = await environmentNames(deps.db, principal.workspaceId);
  return ok(promotionRequestView(row, names.get(row.environmentId) ?? ""));
}
