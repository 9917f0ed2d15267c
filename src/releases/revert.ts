import { resolveEnvironment } from "../access/permissions";
import type { Deps, Principal } from "../context";
import { fail, ok, type Result } from "../lib/result";
import { commandContext, coordinatorFor } from "./coordinator-client";
import { findDeploymentByIdOrName } from "./deployment-repository";
import { type ReleaseView, releaseViews } from "./views";

/**
 * Reverts a deployment in one environment: a new release with the content
 * of `releaseId`, or by default of the release live before the current one.
 * Needs `promote` there. Effective for the next invoke in this location.
 */
export async function revertDeployment(
  deps: Deps,
  principal: Principal,
  deploymentIdOrName: string,
  environmentName: string | undefined,
  releaseId: string | undefined,
  ifMatch: string | undefined,
  /** Abort a rollout running there, instead of being refused by it. */
  abortRollout = false,
): Promise<Result<ReleaseView>> {
  const env = await resolveEnvironment(deps, principal, environmentName, "promote");
  if (!env.ok) return env;
  const deployment = await findDeploymentByIdOrName(deps.db, principal.workspaceId, deploymentIdOrName);
  if (!deployment) return fail("NOT_FOUND", `No deployment "${deploymentIdOrName}"`);
  const outcome = await coordinatorFor(deps, principal.workspaceId, deployment.id).revert({
    context: commandContext(deps, principal, deployment.id),
    environment: { id: env.value.id, name: env.value.name },
    releaseId,
    ifMatch,
    abortRollout,
  });
  if (!outcome.ok) return outcome;
  const [view] = await releaseViews(deps.db, principal.workspaceId, outcome.value.releases);
  return ok(view!);
}
