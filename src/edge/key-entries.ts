import type { Deps, EnvironmentRef, Scope } from "../context";
import type { EdgeReads } from "./cache";
import type { ApiKeyWithEnvironment } from "../access/repository";

/**
 * The KV entry authentication reads: `api-key:<sha256 of the key>`. It holds
 * no secret (only the hash is in the name) and is written through on every
 * change to the key, so the hot path never needs D1.
 */
export interface CachedKey {
  id: string;
  workspace_id: string;
  environment: EnvironmentRef | null;
  scopes: Scope[];
  expires_at: string | null;
  revoked_at: string | null;
}

export const cacheKeyName = (keyHash: string) => `api-key:${keyHash}`;
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
  };
}

export function readCachedKey(edge: EdgeReads, keyHash: string): Promise<CachedKey | null> {
  return edge.get<CachedKey>(cacheKeyName(keyHash));
}

/**
 * Writes the entry. A put is visible in this location to the first request
 * after the writer's answer (which waits out the isolates' caches) and
 * within about 60 s elsewhere, so a revocation is immediate here and
 * eventually consistent globally.
 */
export async function writeCachedKey(deps: Pick<Deps, "kv" | "edgeChanged">, keyHash: string, key: CachedKey): Promise<void> {
  const dead = key.revoked_at !== null;
  await deps.kv.put(cacheKeyName(keyHash), JSON.stringify(key), dead ? { expirationTtl: DEAD_KEY_TTL_SECONDS } : {});
  deps.edgeChanged();
}

export async function forgetCachedKey(deps: Pick<Deps, "kv" | "edgeChanged">, keyHash: string): Promise<void> {
  await deps.kv.delete(cacheKeyName(keyHash));
  deps.edgeChanged();
}
