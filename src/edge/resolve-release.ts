import type { EdgeReads } from "../context";
import { fail, ok, type Result } from "../lib/result";
import { meetsCandidate, type SubjectSource, subjectOf } from "../rollouts/split";
import { type DeploymentNameEntry, edgeKeys, type ReleaseSnapshot, type TagPointer } from "./keys";

export interface ReleaseQuery {
  workspaceId: string;
  environmentId: string;
  kind: "prompt" | "workflow";
  deploymentId?: string | null | undefined;
  deploymentName?: string | null | undefined;
  /** A tag name, or a release id of this environment. Default LATEST. */
  tag?: string | null | undefined;
}

/**
 * The KV key of the pointer a query reads, when it is known without any I/O
 * (the deployment given by id, or its name already seen by this isolate).
 */
export function pointerKeyFor(edge: EdgeReads, query: ReleaseQuery): string | null {
  const tag = query.tag ?? "LATEST";
  if (tag.startsWith("rel_")) return null;
  const deploymentId =
    query.deploymentId ?? (query.deploymentName ? edge.peekImmutable<DeploymentNameEntry>(edgeKeys.deploymentName(query.workspaceId, query.deploymentName))?.id : undefined);
  return deploymentId ? edgeKeys.pointer(query.environmentId, deploymentId, tag) : null;
}

/** The arm of a rollout that served a request. */
export interface RolloutArm {
  rollout_id: string;
  arm: "stable" | "candidate";
  step: number;
}

/** The release that serves a request, the tag it came by, the rollout arm when a rollout split the tag, and a candidate to shadow. */
export interface ResolvedRelease {
  release: ReleaseSnapshot;
  tag: string;
  arm: RolloutArm | null;
  /** In a shadow rollout, for the requests it samples: the candidate to run after the answer. */
  shadow: ReleaseSnapshot | null;
}

/**
 * Which release of a pointer serves a request: the pointer's own, or, while
 * a rollout splits it, the arm the request's subject meets. A pure choice
 * from the pointer and the request, so every isolate agrees.
 */
function chooseRelease(pointer: TagPointer, subjects: SubjectSource): { releaseId: string; arm: RolloutArm | null; shadowId: string | null } {
  const split = pointer.split;
  if (!split) return { releaseId: pointer.release_id, arm: null, shadowId: null };
  const candidate = meetsCandidate(split.percent, split.salt, subjectOf(split.sticky_by, subjects));
  if (split.mode === "shadow") {
    return { releaseId: split.stable_release_id, arm: { rollout_id: split.rollout_id, arm: "stable", step: split.step }, shadowId: candidate ? pointer.release_id : null };
  }
  return {
    releaseId: candidate ? pointer.release_id : split.stable_release_id,
    arm: { rollout_id: split.rollout_id, arm: candidate ? "candidate" : "stable", step: split.step },
    shadowId: null,
  };
}

/**
 * Tag → release for the invoke path, from KV only, through this isolate's
 * cache (see cache.ts): release snapshots and deployment names never
 * change; tag pointers do, and are at most the cache's bound old.
 *
 * `pointer`, when given, is that pointer already read (null: absent), so
 * that a caller can fetch it together with other keys.
 */
export async function resolveRelease(edge: EdgeReads, query: ReleaseQuery, pointer?: TagPointer | null, subjects: SubjectSource = {}): Promise<Result<ResolvedRelease>> {
  const tag = query.tag ?? "LATEST";
  const noun = query.kind === "prompt" ? "prompt deployment" : "workflow deployment";
  let deploymentId = query.deploymentId ?? null;
  if (!deploymentId && query.deploymentName)
    deploymentId = (await edge.getImmutable<DeploymentNameEntry>(edgeKeys.deploymentName(query.workspaceId, query.deploymentName)))?.id ?? null;
  const named = query.deploymentId ?? query.deploymentName;
  if (!deploymentId) return fail("NOT_FOUND", `No ${noun} "${named}" in this environment`);

  let release: ReleaseSnapshot | null;
  let arm: RolloutArm | null = null;
  let shadow: ReleaseSnapshot | null = null;
  if (tag.startsWith("rel_")) {
    // A release pinned by id bypasses any split.
    release = await edge.getImmutable<ReleaseSnapshot>(edgeKeys.release(tag));
  } else {
    const current = pointer !== undefined ? pointer : await edge.get<TagPointer>(edgeKeys.pointer(query.environmentId, deploymentId, tag));
    const chosen = current && chooseRelease(current, subjects);
    arm = chosen?.arm ?? null;
    // The shadow candidate is read only for the requests a shadow rollout samples; every other invoke makes one read, as before rollouts.
    if (chosen?.shadowId) {
      [release, shadow] = await Promise.all([
        edge.getImmutable<ReleaseSnapshot>(edgeKeys.release(chosen.releaseId)),
        edge.getImmutable<ReleaseSnapshot>(edgeKeys.release(chosen.shadowId)),
      ]);
    } else {
      release = chosen && (await edge.getImmutable<ReleaseSnapshot>(edgeKeys.release(chosen.releaseId)));
    }
  }
  // A release of another environment, workspace or deployment is as good as absent.
  if (!release || release.environment_id !== query.environmentId || release.workspace_id !== query.workspaceId || release.deployment_id !== deploymentId) {
    return fail("NOT_FOUND", `No release tagged "${tag}" of ${noun} "${named}" in this environment`);
  }
  if (release.kind !== query.kind) return fail("NOT_FOUND", `"${named}" is not a ${noun}`);
  return ok({ release, tag, arm, shadow });
}
