import type { Deps, Principal } from "../../context";
import { findReadableRelease } from "../../releases/read-releases";
import { listDeploymentRollouts } from "../../rollouts/rollouts";
import type { RolloutView } from "../../rollouts/views";
import { keyName, keyNames } from "../key-names";

/** How many ended rollouts per environment the deployment page lists. */
export const ENDED_SHOWN = 5;
/** How many of a deployment's rollouts are read: far more than the page lists. */
const READ_LIMIT = 100;

export interface EnvironmentRollouts {
  /** The running or paused rollout, if any (one at a time per environment). */
  active: RolloutView | null;
  /** The newest ended ones: completed, rolled back or aborted. */
  ended: RolloutView[];
}

export interface DeploymentRollouts {
  /** By environment name; environments without rollouts are absent. */
  byEnvironment: Map<string, EnvironmentRollouts>;
  /** The version of each stable and candidate release the key may read, by release id. */
  versions: Map<string, number>;
  /** Who started each rollout, and why each ended, with key ids replaced by key names. */
  startedBy: Map<string, string>;
  endReasons: Map<string, string>;
}

const ACTIVE = new Set<RolloutView["status"]>(["running", "paused"]);
const KEY_ID = /key_[A-Za-z0-9]+/g;

/** A deployment's rollouts in the environments the key may read, through the same call as GET /v1/deployments/{id}/rollouts. */
export async function readDeploymentRollouts(deps: Deps, principal: Principal, deploymentId: string): Promise<DeploymentRollouts> {
  const listed = await listDeploymentRollouts(deps, principal, deploymentId, { limit: READ_LIMIT });
  const rollouts = listed.ok ? listed.value.data : [];
  const byEnvironment = new Map<string, EnvironmentRollouts>();
  for (const rollout of rollouts) {
    const entry = byEnvironment.get(rollout.environment) ?? { active: null, ended: [] };
    if (ACTIVE.has(rollout.status)) entry.active ??= rollout;
    else if (entry.ended.length < ENDED_SHOWN) entry.ended.push(rollout);
    byEnvironment.set(rollout.environment, entry);
  }
  const shown = [...byEnvironment.values()].flatMap((e) => (e.active ? [e.active, ...e.ended] : e.ended));
  const releaseIds = [...new Set(shown.flatMap((r) => [r.stable_release_id, r.candidate_release_id]))];
  const [releases, names] = await Promise.all([
    Promise.all(releaseIds.map((id) => findReadableRelease(deps, principal, id))),
    keyNames(
      deps,
      principal,
      shown.flatMap((r) => [r.created_by, ...(r.end_reason?.match(KEY_ID) ?? [])]),
    ),
  ]);
  return {
    byEnvironment,
    versions: new Map(releases.flatMap((r) => (r.ok ? [[r.value.id, r.value.version] as const] : []))),
    startedBy: new Map(shown.map((r) => [r.id, keyName(names, r.created_by)])),
    endReasons: new Map(shown.flatMap((r) => (r.end_reason ? [[r.id, r.end_reason.replace(KEY_ID, (id) => keyName(names, id))] as const] : []))),
  };
}
