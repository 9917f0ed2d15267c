import type { Deps, Principal } from "../../context";
import { ok, type Result } from "../../lib/result";
import { deploymentHistory } from "../../releases/read-releases";
import { liveReleasesWithAuthors } from "../../releases/release-repository";

/** How many releases of each deployment the pages name; older ones show by id. */
const HISTORY_LIMIT = 100;

export interface CatalogRelease {
  id: string;
  deploymentId: string;
  deploymentName: string;
  version: number;
  source: "sandbox" | "promotion" | "revert";
  /** For a revert, the version it restored. */
  restoredVersion: number | null;
  createdAt: string;
}

/** The deployments of one environment and their releases there, to name releases "faq v3" instead of by id. */
export interface ReleaseCatalog {
  /** Every deployment with a release in the environment, by name. */
  deployments: { id: string; name: string }[];
  /** Newest first within each deployment. */
  releases: CatalogRelease[];
  byId: Map<string, CatalogRelease>;
}

/**
 * The deployments released in an environment the principal may read, and
 * their release history there (the same history GET
 * /v1/deployments/{id}/releases reads). The caller has checked the
 * environment is readable; the history checks it again.
 */
export async function readReleaseCatalog(deps: Deps, principal: Principal, environment: { id: string; name: string }): Promise<Result<ReleaseCatalog>> {
  const live = await liveReleasesWithAuthors(deps.db, principal.workspaceId, [environment.id]);
  const deployments = live.map((r) => ({ id: r.deploymentId, name: r.deploymentName })).sort((a, b) => a.name.localeCompare(b.name));
  const histories = await Promise.all(deployments.map((d) => deploymentHistory(deps, principal, d.id, { environment: environment.name, limit: HISTORY_LIMIT })));
  const releases: CatalogRelease[] = [];
  for (const [i, history] of histories.entries()) {
    if (!history.ok) return history;
    const deployment = deployments[i]!;
    const versions = new Map(history.value.data.map((r) => [r.id, r.version]));
    for (const release of history.value.data) {
      releases.push({
        id: release.id,
        deploymentId: deployment.id,
        deploymentName: deployment.name,
        version: release.version,
        source: release.source.type,
        restoredVersion: release.source.type === "revert" && release.source.release_id ? (versions.get(release.source.release_id) ?? null) : null,
        createdAt: release.created_at,
      });
    }
  }
  return ok({ deployments, releases, byId: new Map(releases.map((r) => [r.id, r])) });
}

/** "faq v3", or "v3" where only one deployment is shown. */
export function releaseLabel(release: CatalogRelease, withDeployment: boolean): string {
  return withDeployment ? `${release.deploymentName} v${release.version}` : `v${release.version}`;
}
