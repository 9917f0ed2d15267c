import type { EdgeReads } from "../context";
import { BoundedMap } from "../lib/bounded-map";

/**
 * What the invoke path reads from KV, kept in this isolate's memory.
 *
 * - Entries that never change once written (release snapshots, deployment
 *   names) are kept until evicted. An absent one is not remembered: it may
 *   be written later.
 * - Entries that change (API key entries, tag pointers, environment config)
 *   are served for at most `maxAgeMs` after the read that fetched them began.
 *   Every request that changes one of them answers only once that time has
 *   passed since its last write (see {@link EdgeChanges}; a deployment's
 *   coordinator does the same before it answers a command that moved tags).
 *   So when a promote, revert, revocation or secret change returns, no
 *   isolate anywhere still holds a value read before it, and the next
 *   request in that location reads the new one from KV.
 *
 * Under steady traffic a changing entry past half its age is read again in
 * the background while the cached value is still served, so requests do not
 * wait for KV at all. `maxAgeMs` 0 turns the cache of changing entries off:
 * every read goes to KV and no change waits.
 */
const MAX_ENTRIES = 10_000;

interface ChangingEntry {
  value: unknown;
  /** When the read that produced `value` began (this isolate's clock). */
  readAt: number;
  refreshing: boolean;
}

// Values only, never pending reads: workerd ties a promise to the request
// that created it, and a request must not wait on another's I/O (if that
// request were cancelled, the waiting one would hang).
const changing = new BoundedMap<string, ChangingEntry>(MAX_ENTRIES);
const immutable = new BoundedMap<string, unknown>(MAX_ENTRIES);

/** Keeps what a read that began at `readAt` found, unless a later read already brought something newer. */
function remember(keys: string[], values: Map<string, unknown>, readAt: number) {
  for (const key of keys) {
    const current = changing.get(key);
    if (!current || current.readAt <= readAt) changing.set(key, { value: values.get(key) ?? null, readAt, refreshing: false });
  }
}

export function edgeReads(kv: KVNamespace, maxAgeMs: number, waitUntil: (work: Promise<unknown>) => void): EdgeReads {
  function refresh(keys: string[]) {
    const readAt = Date.now();
    for (const key of keys) changing.get(key)!.refreshing = true;
    const done = kv.get(keys, "json").then(
      (values) => remember(keys, values, readAt),
      () => {
        for (const key of keys) {
          const current = changing.get(key);
          if (current) current.refreshing = false;
        }
      },
    );
    waitUntil(done);
  }

  async function getMany(keys: string[]): Promise<Map<string, unknown>> {
    if (maxAgeMs === 0) return kv.get(keys, "json");
    const now = Date.now();
    const found = new Map<string, unknown>();
    const stale: string[] = [];
    const aging: string[] = [];
    for (const key of keys) {
      const entry = changing.get(key);
      const age = entry ? now - entry.readAt : Number.POSITIVE_INFINITY;
      if (age >= maxAgeMs || age < 0) {
        stale.push(key);
        continue;
      }
      found.set(key, entry!.value);
      if (age >= maxAgeMs / 2 && !entry!.refreshing) aging.push(key);
    }
    if (aging.length > 0) refresh(aging);
    if (stale.length > 0) {
      const values = await kv.get(stale, "json");
      remember(stale, values, now);
      for (const key of stale) found.set(key, values.get(key) ?? null);
    }
    return found;
  }

  return {
    getMany,
    async get<T>(key: string) {
      return ((await getMany([key])).get(key) as T | null) ?? null;
    },
    async getImmutable<T>(key: string) {
      if (immutable.has(key)) return immutable.get(key) as T;
      const loaded = await kv.get<T>(key, "json");
      if (loaded !== null) immutable.set(key, loaded);
      return loaded;
    },
    peekImmutable<T>(key: string) {
      return immutable.get(key) as T | undefined;
    },
  };
}

/**
 * The other half of the cache's promise: a request that changed what the
 * invoke path reads holds its answer until every isolate's copy of the old
 * value has expired.
 */
export class EdgeChanges {
  #lastChangeAt: number | null = null;

  /** Call after a write to KV of an entry the invoke path reads. (A deployment's coordinator waits out the bound itself.) */
  changed() {
    this.#lastChangeAt = Date.now();
  }

  /** Resolves once `maxAgeMs` has passed since the last change (at once if there was none). */
  async settle(maxAgeMs: number): Promise<void> {
    if (this.#lastChangeAt === null || maxAgeMs === 0) return;
    // One millisecond more, so that clock granularity cannot leave an entry exactly at its limit.
    const wait = this.#lastChangeAt + maxAgeMs + 1 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
