import type { Deps } from "../context";
import { listApprovedPromotionRequests } from "../repositories/promotion-requests";
import { coordinatorFor } from "./coordinator-client";
import { environmentNames } from "./release-views";

/** How many waiting requests one pass looks at; the next pass takes the rest. */
const BATCH = 50;

/**
 * Offers every approved-but-waiting promotion request (optionally only those
 * of one release) to its deployment's coordinator, which lands it if the
 * environment's policy now allows: called when a test run on the release
 * completes, and by the scheduled job for freeze windows that have ended.
 * Returns the ids of the requests that landed.
 */
export async function releaseWaitingPromotions(
  deps: Pick<Deps, "db" | "coordinators" | "requestId">,
  filter: { workspaceId?: string; releaseId?: string } = {},
): Promise<string[]> {
  const waiting = await listApprovedPromotionRequests(deps.db, { ...filter, limit: BATCH });
  const landed: string[] = [];
  for (const request of waiting) {
    const names = await environmentNames(deps.db, request.workspaceId);
    const outcome = await coordinatorFor(deps, request.workspaceId, request.deploymentId).releaseApproved({
      context: { workspaceId: request.workspaceId, deploymentId: request.deploymentId, actor: { type: "system" }, requestId: deps.requestId },
      promotionRequestId: request.id,
      environment: { id: request.environmentId, name: names.get(request.environmentId) ?? "" },
    });
    if (outcome.ok && outcome.value.promotionRequests[0]?.status === "executed") landed.push(request.id);
  }
  return landed;
}
