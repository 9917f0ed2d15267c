import type { Deps } from "../context";
import { coordinatorFor } from "./coordinator-client";
import { listUnsettledPromotionRequests } from "./promotion-request-repository";
import { environmentNames } from "./views";

/** How many requests one pass looks at; the next pass takes the rest. */
const BATCH = 50;

/**
 * Hands every request that can change without a decision (approved ones
 * waiting for their environment's policy, open ones past expiry) to its
 * deployment's coordinator, which lands or expires it if it should now.
 * Called when a test run on a release completes (only that release's
 * requests) and by the scheduled job (freeze windows that ended, expiry).
 * Returns the ids of the requests that landed.
 */
export async function settlePromotions(
  deps: Pick<Deps, "db" | "coordinators" | "requestId" | "now" | "config">,
  filter: { workspaceId?: string; releaseId?: string } = {},
): Promise<string[]> {
  const unsettled = await listUnsettledPromotionRequests(deps.db, { ...filter, now: deps.now().toISOString(), limit: BATCH });
  const landed: string[] = [];
  for (const request of unsettled) {
    const names = await environmentNames(deps.db, request.workspaceId);
    const outcome = await coordinatorFor(deps, request.workspaceId, request.deploymentId).settlePromotion({
      context: { workspaceId: request.workspaceId, deploymentId: request.deploymentId, actor: { type: "system" }, requestId: deps.requestId, edgeCacheMs: deps.config.edgeCacheMs },
      promotionRequestId: request.id,
      environment: { id: request.environmentId, name: names.get(request.environmentId) ?? "" },
    });
    if (outcome.ok && outcome.value.promotionRequests[0]?.status === "executed") landed.push(request.id);
  }
  return landed;
}
