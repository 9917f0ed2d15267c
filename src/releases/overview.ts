import { hasScope } from "../access/permissions";
import type { Deps, Principal } from "../context";
import { type EnvironmentRow, listEnvironments } from "../environments/repository";
import { countPendingByEnvironment } from "./promotion-request-repository";
import { LATEST, liveReleasesWithAuthors, tagsOfReleases } from "./release-repository";

/** Where the well-known environments stand in the pipeline; others follow in the order they were created. */
const PIPELINE_RANK: Record<string, number> = { development: 0, staging: 1, production: 2 };

/**
 * The pipeline order: the well-known environments first (development,
 * staging, production), then the others by creation time and name.
 */
export function pipelineOrder(environments: EnvironmentRow[]): EnvironmentRow[] {
  const rank = (e: EnvironmentRow) => PIPELINE_RANK[e.name] ?? Number.MAX_SAFE_INTEGER;
  return [...environments].sort((a, b) => rank(a) - rank(b) || a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
}

export interface OverviewCell {
  releaseId: string;
  version: number;
  tags: string[];
  contentHash: string;
  createdAt: string;
  /** The name of the key that created the release, else its id (or "system"). */
  createdBy: string;
  /** The release's content differs from the live release of the previous environment (of those shown) that has one. */
  drift: boolean;
}

export interface Overview {
  environments: { name: string; label: string; pendingPromotions: number }[];
  deployments: { id: string; name: string; kind: "prompt" | "workflow"; cells: (OverviewCell | null)[] }[];
}

/**
 * Every deployment live in an environment the principal may read, by
 * environment in pipeline order: the live release, its tags, its author,
 * whether it drifted from the environment before it, and how many
 * promotion requests wait in each environment. Environments the key cannot
 * read are left out entirely, so drift is judged only against those shown.
 * Four queries, whatever the size of the matrix.
 */
export async function readOverview(deps: Pick<Deps, "db">, principal: Principal): Promise<Overview> {
  const all = await listEnvironments(deps.db, principal.workspaceId, undefined, 1000);
  const shown = pipelineOrder(all.filter((e) => hasScope(principal, "read", e.id)));
  const envIds = shown.map((e) => e.id);
  const [live, pending] = await Promise.all([liveReleasesWithAuthors(deps.db, principal.workspaceId, envIds), countPendingByEnvironment(deps.db, principal.workspaceId, envIds)]);
  const tags = await tagsOfReleases(
    deps.db,
    principal.workspaceId,
    live.map((r) => r.id),
  );
  const tagsOf = (releaseId: string) =>
    tags
      .filter((t) => t.releaseId === releaseId)
      .map((t) => t.name)
      .sort((a, b) => (a === LATEST ? -1 : b === LATEST ? 1 : a.localeCompare(b)));

  const byDeployment = new Map<string, typeof live>();
  for (const release of live) byDeployment.set(release.deploymentId, [...(byDeployment.get(release.deploymentId) ?? []), release]);

  const deployments = [...byDeployment.entries()]
    .map(([id, releases]) => {
      let previousHash: string | null = null;
      const cells = shown.map((env): OverviewCell | null => {
        const release = releases.find((r) => r.environmentId === env.id);
        if (!release) return null;
        const drift = previousHash !== null && previousHash !== release.contentHash;
        previousHash = release.contentHash;
        return {
          releaseId: release.id,
          version: release.version,
          tags: tagsOf(release.id),
          contentHash: release.contentHash,
          createdAt: release.createdAt,
          createdBy: release.createdByName ?? release.createdBy,
          drift,
        };
      });
      const first = releases[0] as (typeof releases)[number];
      return { id, name: first.deploymentName, kind: first.deploymentKind, cells };
    })
    .sort((a, b) => a.name.localeCompare(b.name));

  return {
    environments: shown.map((e) => ({ name: e.name, label: e.label, pendingPromotions: pending.find((p) => p.environmentId === e.id)?.pending ?? 0 })),
    deployments,
  };
}
