import { authorize, resolveListScope } from "../access/permissions";
import type { Deps, Principal } from "../context";
import { decodeCursor, toPage } from "../lib/pagination";
import { fail, ok, type Result } from "../lib/result";
import { commandContext, coordinatorFor } from "./coordinator-client";
import { findPromotionRequest, listPromotionRequests, type PromotionRequestRow } from "./promotion-request-repository";
import { environmentNames, type PromotionRequestView, promotionRequestView, type ReleaseView, releaseViews } from "./views";

export async function listPromotionRequestsFor(
  deps: Deps,
  principal: Principal,
  query: { environment?: string | undefined; status?: PromotionRequestRow["status"] | undefined; cursor?: string | undefined; limit: number },
) {
  const list = { name: "promotion-requests", filters: { environment: query.environment, status: query.status } };
  const before = decodeCursor<string>(query.cursor, "string", list);
  if (!before.ok) return before;
  const scope = await resolveListScope(deps, principal, "read", query.environment);
  if (!scope.ok) return scope;
  const rows = await listPromotionRequests(deps.db, {
    workspaceId: principal.workspaceId,
    environmentId: scope.value,
    status: query.status,
    beforeId: before.value,
    limit: query.limit + 1,
  });
  const names = await environmentNames(deps.db, principal.workspaceId);
  return ok(
    toPage(
      rows,
      query.limit,
      (r) => r.id,
      (r) => promotionRequestView(r, names.get(r.environmentId) ?? ""),
      list,
    ),
  );
}

export async function getPromotionRequest(deps: Deps, principal: Principal, id: string): Promise<Result<PromotionRequestView>> {
  const found = authorize(principal, await findPromotionRequest(deps.db, principal.workspaceId, id), "read", `No promotion request with id "${id}"`);
  if (!found.ok) return found;
  const row = found.value;
  const names = await environmentNames(deps.db, principal.workspaceId);
  return ok(promotionRequestView(row, names.get(row.environmentId) ?? ""));
}

/**
 * Approves or rejects a promotion request. Needs `approve` in the target
 * environment; the last approval needed releases the promotion (through the
 * deployment's coordinator, so concurrent approvals release it once).
 */
export async function decidePromotion(
  deps: Deps,
  principal: Principal,
  id: string,
  decision: "approve" | "reject",
  comment: string,
): Promise<Result<PromotionRequestView & { release: ReleaseView | null }>> {
  const found = authorize(principal, await findPromotionRequest(deps.db, principal.workspaceId, id), "approve", `No promotion request with id "${id}"`);
  if (!found.ok) return found;
  const row = found.value;
  const names = await environmentNames(deps.db, principal.workspaceId);
  const environment = { id: row.environmentId, name: names.get(row.environmentId) ?? "" };
  const outcome = await coordinatorFor(deps, principal.workspaceId, row.deploymentId).decide({
    context: commandContext(deps, principal, row.deploymentId),
    promotionRequestId: id,
    environment,
    decision,
    comment,
  });
  if (!outcome.ok) return outcome;
  const after = outcome.value.promotionRequests[0]!;
  if (after.status === "expired") return fail("PROMOTION_REQUEST_CLOSED", "The promotion request has expired");
  const [release] = await releaseViews(deps.db, principal.workspaceId, outcome.value.releases);
  return ok({ ...promotionRequestView(after, environment.name), release: release ?? null });
}
