import { hasScope, resolveEnvironment } from "../../access/permissions";
import type { Deps, Principal } from "../../context";
import type { EnvironmentRow } from "../../environments/repository";
import { type DeploymentRow, findDeploymentByIdOrName } from "../../releases/deployment-repository";
import { deploymentHistory } from "../../releases/read-releases";
import type { ReleaseView } from "../../releases/views";
import { keyName, keyNames } from "../key-names";
import { type ReleaseSource, readableEnvironments, releaseSources } from "./history";

export interface RevertSide {
  release: ReleaseView;
  source: ReleaseSource | undefined;
  author: string;
}

export interface RevertPlan {
  deployment: DeploymentRow;
  environment: EnvironmentRow;
  mayRevert: boolean;
  current: RevertSide;
  /** What comes back: the release before the live one (what the API's revert restores by default); null when the live one is the first. */
  restored: RevertSide | null;
}

/**
 * What a revert of the deployment in one environment would do, read as the
 * API's history route reads it; null when the key may not see that
 * environment or the deployment has no release there.
 */
export async function readRevertPlan(deps: Deps, principal: Principal, deploymentName: string, environmentName: string): Promise<RevertPlan | null> {
  const environment = await resolveEnvironment(deps, principal, environmentName, "read");
  if (!environment.ok) return null;
  const deployment = await findDeploymentByIdOrName(deps.db, principal.workspaceId, deploymentName);
  if (!deployment) return null;
  const history = await deploymentHistory(deps, principal, deployment.id, { environment: environment.value.name, limit: 2 });
  if (!history.ok) return null;
  const [current, previous] = history.value.data;
  if (!current) return null;
  const releases = previous ? [current, previous] : [current];
  const [sources, authors] = await Promise.all([
    releaseSources(deps, principal, releases, await readableEnvironments(deps, principal)),
    keyNames(
      deps,
      principal,
      releases.map((r) => r.created_by),
    ),
  ]);
  const side = (release: ReleaseView): RevertSide => ({ release, source: sources.get(release.id), author: keyName(authors, release.created_by) });
  return {
    deployment,
    environment: environment.value,
    mayRevert: hasScope(principal, "promote", environment.value.id),
    current: side(current),
    restored: previous ? side(previous) : null,
  };
}
