import type { Database } from "../db/client";
import { fail, ok, type Result } from "../lib/result";
import { findActiveRollout, type RolloutRow } from "./rollout-repository";

/** The refusal of a change to an environment whose LATEST a rollout is splitting. */
export function rolloutInProgress(rollout: RolloutRow, environmentName: string) {
  return fail(
    "ROLLOUT_IN_PROGRESS",
    `Rollout ${rollout.id} is ${rollout.status} in ${environmentName}: complete or abort it first (a revert can abort it with "abort_rollout": true)`,
  );
}

/**
 * Refuses a deploy, promote, revert or tag move into an environment while a
 * rollout runs or is paused there: the rollout alone decides what the
 * environment's LATEST serves until it ends.
 */
export async function refuseDuringRollout(db: Database, workspaceId: string, deploymentId: string, env: { id: string; name: string }): Promise<Result<null>> {
  const active = await findActiveRollout(db, workspaceId, deploymentId, env.id);
  return active ? rolloutInProgress(active, env.name) : ok(null);
}
