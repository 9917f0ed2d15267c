import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "../db/client";
import { releases } from "../db/schema";
import { findDeployment } from "../releases/deployment-repository";
import { LATEST, listTags, type ReleaseRow } from "../releases/release-repository";
import { findActiveRollout, type RolloutRow } from "../rollouts/rollout-repository";
import { type DeploymentNameEntry, edgeKeys, type PointerSplit, type ReleaseSnapshot, type TagPointer } from "./keys";

/**
 * Copies one environment's tags of one deployment from D1 to KV: every tag
 * pointer, and the snapshot of every release a tag names.
 *
 * It always writes the state D1 holds when it runs, never a remembered one,
 * so a retry that runs late cannot put an older pointer back: the
 * coordinator runs these one at a time, after the change they follow.
 */
export async function syncEnvironmentToEdge(db: Database, kv: KVNamespace, workspaceId: string, deploymentId: string, environmentId: string) {
  const deployment = await findDeployment(db, workspaceId, deploymentId);
  if (!deployment) return;
  const [tags, rollout] = await Promise.all([listTags(db, workspaceId, deploymentId, environmentId), findActiveRollout(db, workspaceId, deploymentId, environmentId)]);
  const ids = [...new Set([...tags.map((t) => t.releaseId), ...(rollout ? [rollout.stableReleaseId, rollout.candidateReleaseId] : [])])];
  const rows: ReleaseRow[] = ids.length
    ? await db
        .select()
        .from(releases)
        .where(and(eq(releases.workspaceId, workspaceId), inArray(releases.id, ids)))
    : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const snapshots = rows.map(
    (r): ReleaseSnapshot => ({
      id: r.id,
      workspace_id: r.workspaceId,
      deployment_id: r.deploymentId,
      deployment_name: deployment.name,
      kind: deployment.kind,
      environment_id: r.environmentId,
      version: r.version,
      spec: r.spec,
      content_hash: r.contentHash,
      created_at: r.createdAt,
    }),
  );
  // Snapshots first: a pointer must never name a release the edge cannot load. They and the name
  // never change, so only those KV lacks are written: KV takes one write per second per key.
  const nameKey = edgeKeys.deploymentName(workspaceId, deployment.name);
  const present = await presentKeys(kv, [nameKey, ...snapshots.map((s) => edgeKeys.release(s.id))]);
  await Promise.all([
    ...snapshots.filter((s) => !present.has(edgeKeys.release(s.id))).map((s) => kv.put(edgeKeys.release(s.id), JSON.stringify(s))),
    ...(present.has(nameKey) ? [] : [kv.put(nameKey, JSON.stringify({ id: deployment.id, kind: deployment.kind } satisfies DeploymentNameEntry))]),
  ]);
  await Promise.all(
    tags.map((t) => {
      const pointer: TagPointer = { release_id: t.releaseId, version: byId.get(t.releaseId)!.version };
      if (rollout && t.name === LATEST && t.releaseId === rollout.candidateReleaseId) pointer.split = splitOf(rollout);
      return kv.put(edgeKeys.pointer(environmentId, deploymentId, t.name), JSON.stringify(pointer));
    }),
  );
}

/** Which of the keys KV holds, in bulk reads of at most 100 keys (KV's limit). */
async function presentKeys(kv: KVNamespace, keys: string[]): Promise<Set<string>> {
  const present = new Set<string>();
  for (let i = 0; i < keys.length; i += 100) {
    const chunk = keys.slice(i, i + 100);
    const values = await kv.get(chunk, "text");
    for (const key of chunk) if (values.get(key) != null) present.add(key);
  }
  return present;
}

/** A running rollout's split as the pointer carries it; a paused one holds its percentage. */
function splitOf(rollout: RolloutRow): PointerSplit {
  return {
    rollout_id: rollout.id,
    mode: rollout.mode === "shadow" ? "shadow" : "split",
    stable_release_id: rollout.stableReleaseId,
    percent: rollout.percent,
    salt: rollout.salt,
    sticky_by: rollout.stickyBy,
    step: rollout.stepIndex,
  };
}
