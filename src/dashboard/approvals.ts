import { hasScope } from "../access/permissions";
import type { Deps, Principal } from "../context";
import { ok, type Result } from "../lib/result";
import { findDeployment } from "../releases/deployment-repository";
import { listPromotionRequestsFor } from "../releases/promotion-requests";
import { findReadableRelease } from "../releases/read-releases";
import type { PromotionRequestView } from "../releases/views";
import { keyName, keyNames } from "./key-names";

/** How many open requests the page reads at most; far more than any queue of approvals. */
const LIMIT = 100;

/** One open promotion request as the approvals page shows it. */
export interface ApprovalItem {
  request: PromotionRequestView;
  deploymentName: string;
  /** The promoted release's version, or null when the key may not read that release. */
  releaseVersion: number | null;
  /** The names of the key that asked and of the keys that approved so far. */
  requestedBy: string;
  approvedBy: string[];
  /** Whether to offer Approve and Reject: the key holds `approve` in the target and did not request it. */
  canDecide: boolean;
}

/** The pending and approved-but-waiting requests the key may see, newest first. */
export async function readApprovals(deps: Deps, principal: Principal): Promise<Result<ApprovalItem[]>> {
  const [pending, approved] = await Promise.all([
    listPromotionRequestsFor(deps, principal, { status: "pending", limit: LIMIT }),
    listPromotionRequestsFor(deps, principal, { status: "approved", limit: LIMIT }),
  ]);
  if (!pending.ok) return pending;
  if (!approved.ok) return approved;
  const requests = [...pending.value.data, ...approved.value.data].sort((a, b) => b.created_at.localeCompare(a.created_at));
  const names = await keyNames(
    deps,
    principal,
    requests.flatMap((r) => [r.requested_by, ...r.approvals.map((a) => a.approver)]),
  );
  const items = await Promise.all(
    requests.map(async (request): Promise<ApprovalItem> => {
      const [deployment, release] = await Promise.all([
        findDeployment(deps.db, principal.workspaceId, request.deployment_id),
        findReadableRelease(deps, principal, request.release_id),
      ]);
      const environmentId = principal.environment?.name === request.environment ? principal.environment.id : null;
      const mayApprove = principal.environment === null ? hasScope(principal, "approve", null) : environmentId !== null && hasScope(principal, "approve", environmentId);
      return {
        request,
        deploymentName: deployment?.name ?? request.deployment_id,
        releaseVersion: release.ok ? release.value.version : null,
        requestedBy: keyName(names, request.requested_by),
        approvedBy: request.approvals.map((a) => keyName(names, a.approver)),
        canDecide: request.status === "pending" && mayApprove && request.requested_by !== principal.keyId,
      };
    }),
  );
  return ok(items);
}

/** How many requests wait for an approval among those the key may see. */
export async function pendingApprovalCount(deps: Deps, principal: Principal): Promise<number> {
  const pending = await listPromotionRequestsFor(deps, principal, { status: "pending", limit: LIMIT });
  return pending.ok ? pending.value.data.length : 0;
}
