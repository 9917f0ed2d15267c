import type { Deps, Principal } from "../context";
import { readCachedKey, toCachedKey, writeCachedKey } from "../edge/key-entries";
import type { CachedKey } from "../edge/keys";
import { BoundedMap } from "../lib/bounded-map";
import { sha256Hex } from "../lib/crypto";
import { parseApiKeyToken } from "./key-token";
import { findApiKeyByHash } from "./repository";

/** Why a key was refused; the response says only "unauthenticated", the log may say more. */
export type AuthRefusal = "missing" | "malformed" | "unknown" | "revoked" | "expired";

/**
 * SHA-256 of well-formed keys this isolate has seen, by key. A key's shape,
 * checksum and hash never change, so an isolate need not recompute them (two
 * digests) on every request with the same key. Bounded; the oldest goes
 * when full. Only keys whose checksum is right get in, so garbage cannot
 * churn it. The keys stay in isolate memory only, as they do while a
 * request runs.
 */
const keyHashes = new BoundedMap<string, string>(1_000);

/** The key's hash when its shape and checksum are right, or null. */
async function hashOfWellFormedKey(token: string): Promise<string | null> {
  const known = keyHashes.get(token);
  if (known) return known;
  if (!(await parseApiKeyToken(token))) return null;
  const keyHash = await sha256Hex(token);
  keyHashes.set(token, keyHash);
  return keyHash;
}

export function isKeyUsable(key: CachedKey, now: Date): "ok" | "revoked" | "expired" {
  if (key.revoked_at !== null) return "revoked";
  if (key.expires_at !== null && Date.parse(key.expires_at) <= now.getTime()) return "expired";
  return "ok";
}

/**
 * Turns a presented key into a principal. The key's shape and checksum are
 * checked before anything is looked up; the lookup reads the KV cache and
 * falls back to D1 only for a key the cache has never seen (every key is
 * written to the cache when it is created, so that is rare).
 */
export async function authenticateKey(
  deps: Pick<Deps, "db" | "kv" | "edge" | "edgeChanged" | "now">,
  token: string | undefined,
  /**
   * Called with the key's hash before it is looked up. It may start work that
   * overlaps the lookup, and may return the lookup itself (the KV entry,
   * fetched together with other keys) to use instead of a read of its own.
   */
  beforeLookup?: (keyHash: string) => Promise<CachedKey | null> | undefined,
  /** On a KV miss, look in D1 and cache what is found. The invoke path passes false: it never touches D1. */
  readThrough = true,
): Promise<{ ok: true; principal: Principal; keyHash: string } | { ok: false; reason: AuthRefusal }> {
  if (!token) return { ok: false, reason: "missing" };
  const keyHash = await hashOfWellFormedKey(token);
  if (!keyHash) return { ok: false, reason: "malformed" };
  let key = await (beforeLookup?.(keyHash) ?? readCachedKey(deps.edge, keyHash));
  if (!key) {
    if (!readThrough) return { ok: false, reason: "unknown" };
    const row = await findApiKeyByHash(deps.db, keyHash);
    if (!row) return { ok: false, reason: "unknown" };
    key = toCachedKey(row);
    await writeCachedKey(deps, keyHash, key);
  }
  const usable = isKeyUsable(key, deps.now());
  if (usable !== "ok") return { ok: false, reason: usable };
  return { ok: true, keyHash, principal: principalOf(key) };
}

function principalOf(key: CachedKey): Principal {
  return { workspaceId: key.workspace_id, keyId: key.id, environment: key.environment, scopes: key.scopes, identity: key.identity ?? null };
}

/**
 * Authenticates a key by its hash alone, as a dashboard session holds it:
 * through the cached key entry only, so a revoked, expired, rotated-away or
 * forgotten key fails at the next request (within the edge cache's bound).
 */
export async function authenticateKeyHash(deps: Pick<Deps, "edge" | "now">, keyHash: string): Promise<{ ok: true; principal: Principal } | { ok: false; reason: AuthRefusal }> {
  const key = await readCachedKey(deps.edge, keyHash);
  if (!key) return { ok: false, reason: "unknown" };
  const usable = isKeyUsable(key, deps.now());
  if (usable !== "ok") return { ok: false, reason: usable };
  return { ok: true, principal: principalOf(key) };
}
