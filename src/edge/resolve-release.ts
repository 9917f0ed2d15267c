import type { EdgeReads } from "../context";
import { fail, ok, type Result } from "../lib/result";
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

/**
 * Tag → release for the invoke path, from KV only, through this isolate's
 * cache (see cache.ts): release snapshots and deployment names never
 * change; tag pointers do, and are at most the cache's bound old.
 *
 * `pointer`, when given, is that pointer already read (null: absent), so
 * that a caller can fetch it together with other keys.
 */
export async function resolveRelease(edge: EdgeReads, query: ReleaseQuery, pointer?: TagPointer | null): Promise<Result<{ release: ReleaseSnapshot; tag: string }>> {
  const tag = query.tag ?? "LATEST";
  const noun = query.kind === "prompt" ? "prompt deployment" : "workflow deployment";
  let deploymentId = query.deploymentId ?? null;
  if (!deploymentId && query.deploymentName)
    deploymentId = (await edge.getImmutable<DeploymentNameEntry>(edgeKeys.deploymentName(query.workspaceId, query.deploymentName)))?.id ?? null;
  const named = query.deploymentId ?? query.deploymentName;
  if (!deploymentId) return fail("NOT_FOUND", `No ${noun} "${named}" in this environment`);

  let release: ReleaseSnapshot | null;
  if (tag.startsWith("rel_")) {
    release = await edge.getImmutable<ReleaseSnapshot>(edgeKeys.release(tag));
  } else {
    const current = pointer !== undefined ? pointer : await edge.get<TagPointer>(edgeKeys.pointer(query.environmentId, deploymentId, tag));
    release = current && (await edge.getImmutable<ReleaseSnapshot>(edgeKeys.release(current.release_id)));
  }
  // A release of another environment, workspace or deployment is as good as absent.
  if (!release || release.environment_id !== query.environmentId || release.workspace_id !== query.workspaceId || release.deployment_id !== deploymentId) {
    return fail("NOT_FOUND", `No release tagged "${tag}" of ${noun} "${named}" in this environment`);
  }
  if (release.kind !== query.kind) return fail("NOT_FOUND", `"${named}" is not a ${noun}`);
  return ok({ release, tag });
}
