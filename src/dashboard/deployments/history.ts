import { hasScope } from "../../access/permissions";
import type { Deps, Principal } from "../../context";
import { type EnvironmentRow, listEnvironments } from "../../environments/repository";
import { type DeploymentRow, findDeploymentByIdOrName } from "../../releases/deployment-repository";
import { pipelineOrder } from "../../releases/overview";
import { deploymentHistory, findReadableRelease } from "../../releases/read-releases";
import { LATEST } from "../../releases/release-repository";
import type { ReleaseView } from "../../releases/views";
import { type KeyNames, keyNames } from "../key-names";

/** How many releases per environment the deployment page lists. */
export const HISTORY_LIMIT = 50;

/** The environments the key may read, in pipeline order. */
export async function readableEnvironments(deps: Pick<Deps, "db">, principal: Principal): Promise<EnvironmentRow[]> {
  const all = await listEnvironments(deps.db, principal.workspaceId, undefined, 1000);
  return pipelineOrder(all.filter((e) => hasScope(principal, "read", e.id)));
}

/** Where a release came from; the origin is null when the key may not read it. */
export type ReleaseSource = { type: "sandbox"; revision: number | null } | { type: "promotion" | "revert"; origin: { id: string; environment: string; version: number } | null };

/** Resolves the origin release of each promotion and revert, through the same visibility rule as every read. */
export async function releaseSources(deps: Deps, principal: Principal, releases: ReleaseView[], environments: EnvironmentRow[]): Promise<Map<string, ReleaseSource>> {
  const names = new Map(environments.map((e) => [e.id, e.name]));
  const originIds = [...new Set(releases.flatMap((r) => (r.source.type !== "sandbox" && r.source.release_id ? [r.source.release_id] : [])))];
  const origins = new Map(
    await Promise.all(
      originIds.map(async (id) => {
        const found = await findReadableRelease(deps, principal, id);
        const environment = found.ok ? names.get(found.value.environmentId) : undefined;
        return [id, found.ok && environment ? { id, environment, version: found.value.version } : null] as const;
      }),
    ),
  );
  return new Map(
    releases.map((r): [string, ReleaseSource] => [
      r.id,
      r.source.type === "sandbox" ? { type: "sandbox", revision: r.source.sandbox_revision } : { type: r.source.type, origin: origins.get(r.source.release_id ?? "") ?? null },
    ]),
  );
}

export interface EnvironmentHistory {
  environment: EnvironmentRow;
  /** Newest first; the first one is live (LATEST names it). */
  releases: ReleaseView[];
  /** Older releases exist beyond those listed. */
  truncated: boolean;
  /** The key holds `promote` here: it may revert here, and promote into here. */
  mayPromote: boolean;
}

export interface DeploymentHistory {
  deployment: DeploymentRow;
  environments: EnvironmentHistory[];
  sources: Map<string, ReleaseSource>;
  authors: KeyNames;
}

/** The release LATEST names in an environment's history, if any. */
export function liveRelease(history: EnvironmentHistory): ReleaseView | undefined {
  return history.releases.find((r) => r.tags.includes(LATEST));
}

/**
 * A deployment's history in every environment the key may read, in pipeline
 * order, each read through the same function as the API's history route.
 * Null when the deployment does not exist or has no release the key may see.
 */
export async function readDeploymentHistory(deps: Deps, principal: Principal, idOrName: string): Promise<DeploymentHistory | null> {
  const deployment = await findDeploymentByIdOrName(deps.db, principal.workspaceId, idOrName);
  if (!deployment) return null;
  const environments = await readableEnvironments(deps, principal);
  const histories = await Promise.all(
    environments.map(async (environment): Promise<EnvironmentHistory> => {
      const page = await deploymentHistory(deps, principal, deployment.id, { environment: environment.name, limit: HISTORY_LIMIT });
      return {
        environment,
        releases: page.ok ? page.value.data : [],
        truncated: page.ok && page.value.next_cursor !== null,
        mayPromote: hasScope(principal, "promote", environment.id),
      };
    }),
  );
  const releases = histories.flatMap((h) => h.releases);
  if (releases.length === 0) return null;
  const [sources, authors] = await Promise.all([
    releaseSources(deps, principal, releases, environments),
    keyNames(
      deps,
      principal,
      releases.map((r) => r.created_by),
    ),
  ]);
  return { deployment, environments: histories, sources, authors };
}
