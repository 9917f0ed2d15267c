import { fail, ok, type Result } from "../lib/result";
import { type DeploymentNameEntry, edgeKeys, type ReleaseSnapshot, type TagPointer } from "../services/edge-sync";

/**
 * Tag → release for the invoke path, from KV only.
 *
 * Release snapshots and deployment names never change, so each isolate keeps
 * the ones it has read in small bounded maps. Tag pointers do change and are
 * read from KV on every call: KV shows a write at once in the location that
 * made it and within about 60 s elsewhere, which is the staleness bound the
 * API promises after a promote or revert.
 */
const MAX_CACHED = 1_000;
const snapshots = new Map<string, ReleaseSnapshot>();
const deploymentNames = new Map<string, DeploymentNameEntry>();

function remember<T>(cache: Map<string, T>, key: string, value: T) {
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(key, value);
}

async function snapshot(kv: KVNamespace, releaseId: string): Promise<ReleaseSnapshot | null> {
  const cached = snapshots.get(releaseId);
  if (cached) return cached;
  const loaded = await kv.get<ReleaseSnapshot>(edgeKeys.release(releaseId), "json");
  if (loaded) remember(snapshots, releaseId, loaded);
  return loaded;
}

async function deploymentByName(kv: KVNamespace, workspaceId: string, name: string): Promise<DeploymentNameEntry | null> {
  const key = edgeKeys.deploymentName(workspaceId, name);
  const cached = deploymentNames.get(key);
  if (cached) return cached;
  const loaded = await kv.get<DeploymentNameEntry>(key, "json");
  if (loaded) remember(deploymentNames, key, loaded);
  return loaded;
}

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
export function pointerKeyFor(query: ReleaseQuery): string | null {
  const tag = query.tag ?? "LATEST";
  if (tag.startsWith("rel_")) return null;
  const deploymentId = query.deploymentId ?? (query.deploymentName ? deploymentNames.get(edgeKeys.deploymentName(query.workspaceId, query.deploymentName))?.id : undefined);
  return deploymentId ? edgeKeys.pointer(query.environmentId, deploymentId, tag) : null;
}

/**
 * `pointer`, when given, is that pointer already read from KV (null: absent),
 * so that a caller can fetch it together with other keys.
 */
export async function resolveRelease(kv: KVNamespace, query: ReleaseQuery, pointer?: TagPointer | null): Promise<Result<{ release: ReleaseSnapshot; tag: string }>> {
  const tag = query.tag ?? "LATEST";
  const noun = query.kind === "prompt" ? "prompt deployment" : "workflow deployment";
  let deploymentId = query.deploymentId ?? null;
  if (!deploymentId && query.deploymentName) deploymentId = (await deploymentByName(kv, query.workspaceId, query.deploymentName))?.id ?? null;
  const named = query.deploymentId ?? query.deploymentName;
  if (!deploymentId) return fail("NOT_FOUND", `No ${noun} "${named}" in this environment`);

  let release: ReleaseSnapshot | null;
  if (tag.startsWith("rel_")) {
    release = await snapshot(kv, tag);
  } else {
    const current = pointer !== undefined ? pointer : await kv.get<TagPointer>(edgeKeys.pointer(query.environmentId, deploymentId, tag), "json");
    release = current && (await snapshot(kv, current.release_id));
  }
  // A release of another environment, workspace or deployment is as good as absent.
  if (!release || release.environment_id !== query.environmentId || release.workspace_id !== query.workspaceId || release.deployment_id !== deploymentId) {
    return fail("NOT_FOUND", `No release tagged "${tag}" of ${noun} "${named}" in this environment`);
  }
  if (release.kind !== query.kind) return fail("NOT_FOUND", `"${named}" is not a ${noun}`);
  return ok({ release, tag });
}
