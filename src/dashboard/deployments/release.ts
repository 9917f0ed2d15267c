import type { Deps, Principal } from "../../context";
import type { EnvironmentRow } from "../../environments/repository";
import { type DeploymentRow, findDeployment } from "../../releases/deployment-repository";
import { deploymentHistory, getRelease } from "../../releases/read-releases";
import type { ReleaseView } from "../../releases/views";
import type { Spec } from "../../specs/validate-spec";
import { keyName, keyNames } from "../key-names";
import { type ReleaseSource, readableEnvironments, releaseSources } from "./history";

/** The live release of a deployment in each of these environments that has one, read as the API's history route reads it. */
export async function liveReleasesIn(deps: Deps, principal: Principal, deploymentId: string, environments: EnvironmentRow[]) {
  const live = await Promise.all(
    environments.map(async (environment) => {
      const page = await deploymentHistory(deps, principal, deploymentId, { environment: environment.name, limit: 1 });
      const release = page.ok ? page.value.data[0] : undefined;
      return release ? [{ environment, release }] : [];
    }),
  );
  return live.flat();
}

export interface ReleaseDetails {
  release: ReleaseView;
  spec: Spec;
  deployment: DeploymentRow;
  source: ReleaseSource | undefined;
  author: string;
  /** The live release of every other environment the key may read. */
  othersLive: { environment: EnvironmentRow; release: ReleaseView }[];
  /** The environments the key may read, in pipeline order. */
  environments: EnvironmentRow[];
}

/** A release the key may read, with its spec, deployment, source and the live releases to compare it with; null when not found. */
export async function readReleaseDetails(deps: Deps, principal: Principal, id: string): Promise<ReleaseDetails | null> {
  const found = await getRelease(deps, principal, id);
  if (!found.ok) return null;
  const release = found.value;
  const deployment = await findDeployment(deps.db, principal.workspaceId, release.deployment_id);
  if (!deployment) return null;
  const environments = await readableEnvironments(deps, principal);
  const [sources, authors, live] = await Promise.all([
    releaseSources(deps, principal, [release], environments),
    keyNames(deps, principal, [release.created_by]),
    liveReleasesIn(
      deps,
      principal,
      deployment.id,
      environments.filter((e) => e.name !== release.environment),
    ),
  ]);
  return {
    release,
    spec: { kind: deployment.kind, spec: release.spec } as Spec,
    deployment,
    source: sources.get(release.id),
    author: keyName(authors, release.created_by),
    othersLive: live,
    environments,
  };
}
