import type { ApiKeyWithEnvironment } from "../access/repository";
import type { Deps, EdgeReads, Scope } from "../context";
import { type CachedKey, edgeKeys } from "./keys";

/** Dead keys stay cached a day so that repeated attempts with them do not reach D1. */
const DEAD_KEY_TTL_SECONDS = 86_400;

export function toCachedKey(row: ApiKeyWithEnvironment): CachedKey {
  return {
    id: row.id,
    workspace_id: row.workspaceId,
    environment: row.environmentId && row.environmentName ? { id: row.environmentId, name: row.environmentName } : null,
    scopes: row.scopes as Scope[],
    expires_at: row.expiresAt,
    revoked_at: row.revokedAt,
    ...(row.identity ? { identity: row.identity } : {}),
  };
}

export function readCachedKey(edge: EdgeReads, keyHash: string): Promise<CachedKey | null> {
  return edge.get<CachedKey>(edgeKeys.apiKey(keyHash));
}

/**
 * Writes the entry. A put is visible in this location to the first request
 * after the writer's answer (which waits out the isolates' caches) and
 * within about 60 s elsewhere, so a revocation is immediate here and
 * eventually consistent globally.
 */
export async function writeCachedKey(deps: Pick<Deps, "kv" | "edgeChanged">, keyHash: string, key: CachedKey): Promise<void> {
  const dead = key.revoked_at !== null;
  await deps.kv.put(edgeKeys.apiKey(keyHash), JSON.stringify(key), dead ? { expirationTtl: DEAD_KEY_TTL_SECONDS } : {});
  deps.edgeChanged();
}

export async function forgetCachedKey(deps: Pick<Deps, "kv" | "edgeChanged">, keyHash: string): Promise<void> {
  await deps.kv.delete(edgeKeys.apiKey(keyHash));
  deps.edgeChanged();
}
