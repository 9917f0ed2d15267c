import type { Database } from "../db/client";
import type { EnvironmentRow } from "../environments/repository";
import type { Spec } from "../specs/validate-spec";
import type { WorkflowSpec } from "../specs/workflow-spec";
import { compareSpecs } from "./compare-specs";
import { LATEST, liveReleasesWithAuthors, newestVersionsMatching, tagsWithReleasesIn } from "./release-repository";

/**
 * Drift of deployments between two environments: what each serves live (the
 * release its LATEST tag names), how far one is ahead of the other, what
 * differs in their specs, and which prompt references of a workflow now run
 * something newer than the workflow's release.
 */

type Environment = Pick<EnvironmentRow, "id" | "name">;
type LiveRelease = Awaited<ReturnType<typeof liveReleasesWithAuthors>>[number];
type TagRow = Awaited<ReturnType<typeof tagsWithReleasesIn>>[number];

export interface ReleaseSummary {
  id: string;
  version: number;
  content_hash: string;
  created_at: string;
  created_by: string;
  tags: string[];
}

/** A prompt node whose referenced deployment's tag, in the workflow's own environment, now names a release created after the workflow's live release. */
export interface DriftedReference {
  node_id: string;
  deployment: string;
  release_tag: string;
  environment: string;
  workflow_release_created_at: string;
  referenced_release_id: string;
  referenced_release_created_at: string;
}

export type DriftStatus = "same" | "different" | "only_in_from" | "only_in_to";

export interface DeploymentDrift {
  deployment: { id: string; name: string; kind: "prompt" | "workflow" };
  from: ReleaseSummary | null;
  to: ReleaseSummary | null;
  /** By content: equal hashes are `same`, whatever else differs. */
  status: DriftStatus;
  same_content: boolean;
  /** How many releases of `from` are newer than the newest `from` release with the content `to` serves; null when `from` never had it. */
  releases_ahead: number | null;
  /** compareSpecs from `from`'s live spec to `to`'s; null unless both are live and their contents differ. */
  spec_differences: ReturnType<typeof compareSpecs> | null;
  /** Workflows only (always empty for prompts), in both environments. */
  references_drifted: DriftedReference[];
  /** Any reference drifted: the workflow runs prompts newer than its release, whatever `status` says. */
  drifted: boolean;
}

const tagOrder = (a: string, b: string) => (a === LATEST ? -1 : b === LATEST ? 1 : a.localeCompare(b));

function summary(release: LiveRelease, tags: TagRow[]): ReleaseSummary {
  return {
    id: release.id,
    version: release.version,
    content_hash: release.contentHash,
    created_at: release.createdAt,
    created_by: release.createdBy,
    tags: tags
      .filter((t) => t.releaseId === release.id)
      .map((t) => t.name)
      .sort(tagOrder),
  };
}

/**
 * The prompt nodes of a workflow's live release that reference a prompt
 * deployment whose tag, in the same environment, names a release created
 * after the workflow's release. A reference to a deployment or tag the
 * environment lacks is not drift (the workflow fails when run; saving
 * checks that) and is not listed.
 */
function driftedReferences(workflow: LiveRelease, environment: Environment, tags: TagRow[]): DriftedReference[] {
  const nodes = (workflow.spec as WorkflowSpec).nodes;
  return nodes.flatMap((node): DriftedReference[] => {
    if (node.type !== "prompt" || node.deployment === undefined) return [];
    const tagName = node.release_tag ?? LATEST;
    const tag = tags.find((t) => t.environmentId === environment.id && t.deploymentName === node.deployment && t.name === tagName);
    if (!tag || tag.releaseCreatedAt <= workflow.createdAt) return [];
    return [
      {
        node_id: node.id,
        deployment: node.deployment,
        release_tag: tagName,
        environment: environment.name,
        workflow_release_created_at: workflow.createdAt,
        referenced_release_id: tag.releaseId,
        referenced_release_created_at: tag.releaseCreatedAt,
      },
    ];
  });
}

const specOf = (release: LiveRelease) => ({ kind: release.deploymentKind, spec: release.spec }) as Spec;

/**
 * Every deployment live in either environment, by name, compared between
 * them. Three queries, whatever the number of deployments.
 *
 * @example
 * const drift = await compareLiveReleases(db, workspaceId, staging, production);
 * drift.filter((d) => d.status !== "same" || d.drifted);
 */
export async function compareLiveReleases(db: Database, workspaceId: string, from: Environment, to: Environment): Promise<DeploymentDrift[]> {
  const [live, tags, versions] = await Promise.all([
    liveReleasesWithAuthors(db, workspaceId, [from.id, to.id]),
    tagsWithReleasesIn(db, workspaceId, [from.id, to.id]),
    newestVersionsMatching(db, workspaceId, from.id, to.id),
  ]);
  const versionsOf = new Map(versions.map((v) => [v.deploymentId, v]));
  const byDeployment = new Map<string, { from?: LiveRelease; to?: LiveRelease }>();
  for (const release of live) {
    const entry = byDeployment.get(release.deploymentId) ?? {};
    if (release.environmentId === from.id) entry.from = release;
    else entry.to = release;
    byDeployment.set(release.deploymentId, entry);
  }

  return [...byDeployment.entries()]
    .map(([deploymentId, pair]): DeploymentDrift => {
      const either = (pair.from ?? pair.to) as LiveRelease;
      const sameContent = pair.from !== undefined && pair.to !== undefined && pair.from.contentHash === pair.to.contentHash;
      const status: DriftStatus = !pair.to ? "only_in_from" : !pair.from ? "only_in_to" : sameContent ? "same" : "different";
      // Versions run 1, 2, 3… without gaps per deployment and environment, so the count of newer releases is a subtraction.
      const matched = versionsOf.get(deploymentId);
      const releasesAhead = pair.from && pair.to && matched && matched.matching !== null ? matched.newest - matched.matching : null;
      const references =
        either.deploymentKind === "workflow" ? [...(pair.from ? driftedReferences(pair.from, from, tags) : []), ...(pair.to ? driftedReferences(pair.to, to, tags) : [])] : [];
      return {
        deployment: { id: deploymentId, name: either.deploymentName, kind: either.deploymentKind },
        from: pair.from ? summary(pair.from, tags) : null,
        to: pair.to ? summary(pair.to, tags) : null,
        status,
        same_content: sameContent,
        releases_ahead: releasesAhead,
        spec_differences:
          pair.from && pair.to && !sameContent
            ? compareSpecs(specOf(pair.from), specOf(pair.to), {
                from: `${from.name} v${pair.from.version} (${pair.from.id})`,
                to: `${to.name} v${pair.to.version} (${pair.to.id})`,
              })
            : null,
        references_drifted: references,
        drifted: references.length > 0,
      };
    })
    .sort((a, b) => a.deployment.name.localeCompare(b.deployment.name));
}
