import type { EdgeReads } from "../context";
import { BoundedMap } from "../lib/bounded-map";
import { announceEdgeChange, CHANGE_CHECK_MS, readChangeMark } from "./change-mark";

/**
 * What the invoke path reads from KV, kept in this isolate's memory.
 *
 * - Entries that never change once written (release snapshots, deployment
 *   names) are kept until evicted. An absent one is not remembered: it may
 *   be written later.
 * - Entries that change (API key entries, tag pointers, environment config)
 *   are served only while both hold:
 *   - the read that fetched them began after this isolate last saw the
 *     location's change mark move, and it looked at the mark less than
 *     {@link CHANGE_CHECK_MS} ago (see edge/change-mark.ts: every writer
 *     replaces the mark after its KV writes and waits that long, so when a
 *     promote, revert, revocation or secret change returns, the next request
 *     in this location reads the new value from KV);
 *   - they are younger than `maxAgeMs`, which bounds what the mark cannot
 *     cover: a change written elsewhere, or a location where the mark cannot
 *     be kept (a writer there waits out `maxAgeMs` instead).
 *
 * Under steady traffic the mark is looked at again in the background once
 * half its check interval has passed, and a changing entry past half its
 * age is read again in the background while the cached value is still
 * served, so requests wait for neither. `maxAgeMs` 0 turns the cache of
 * changing entries off: every read goes to KV and no change waits.
 *
 * Should KV fail, an entry this isolate read within {@link STALE_IF_ERROR_MS}
 * is served all the same, and the request's reads say so (`stale`).
 */
const MAX_ENTRIES = 10_000;
/** How long after its read an entry may stand in for KV when KV fails. */
export const STALE_IF_ERROR_MS = 5 * 60_000;

interface ChangingEntry {
  value: unknown;
  /** When the read that produced `value` began (this isolate's clock). */
  readAt: number;
  refreshing: boolean;
}

/** What this isolate knows of the location's change mark. */
const mark = {
  /** undefined until the first look. */
  token: undefined as string | null | undefined,
  /** When the newest look at the mark that has answered began; 0 before the first. */
  checkedAt: 0,
  /** When this isolate learnt the current token: entries read before then may predate a change. */
  validFrom: Number.POSITIVE_INFINITY,
  checking: false,
};

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

/** Looks at the mark; a look that began before one already answered brings nothing newer and is ignored. */
async function lookAtMark(): Promise<void> {
  const startedAt = Date.now();
  const token = await readChangeMark();
  if (startedAt < mark.checkedAt) return;
  // A mark gone missing counts as a change too: it may have been evicted after one. (Where the
  // Cache API keeps nothing the mark stays missing, and writers wait out `maxAgeMs` instead.)
  if (token !== mark.token) mark.validFrom = Date.now();
  mark.token = token;
  mark.checkedAt = startedAt;
}

export function edgeReads(kv: KVNamespace, maxAgeMs: number, waitUntil: (work: Promise<unknown>) => void): EdgeReads {
  let stale = false;

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

  /** Makes sure the mark was looked at within its interval, waiting only when it was not. */
  async function checkMark(now: number) {
    const age = now - mark.checkedAt;
    if (age >= checkMs || age < 0) return lookAtMark();
    if (age >= checkMs / 2 && !mark.checking) {
      mark.checking = true;
      waitUntil(lookAtMark().finally(() => (mark.checking = false)));
    }
  }

  /** Reads from KV; when KV fails, falls back to what this isolate last read, if recent enough. */
  async function readThrough(keys: string[], now: number): Promise<Map<string, unknown>> {
    try {
      const values = await kv.get(keys, "json");
      remember(keys, values, now);
      return values;
    } catch (error) {
      const known = new Map<string, unknown>();
      for (const key of keys) {
        const entry = changing.get(key);
        if (!entry || now - entry.readAt > STALE_IF_ERROR_MS) throw error;
        known.set(key, entry.value);
      }
      stale = true;
      return known;
    }
  }

  const checkMs = Math.min(CHANGE_CHECK_MS, maxAgeMs);

  async function getMany(keys: string[]): Promise<Map<string, unknown>> {
    if (maxAgeMs === 0) return kv.get(keys, "json");
    await checkMark(Date.now());
    const now = Date.now();
    const found = new Map<string, unknown>();
    const missing: string[] = [];
    const aging: string[] = [];
    for (const key of keys) {
      const entry = changing.get(key);
      const age = entry ? now - entry.readAt : Number.POSITIVE_INFINITY;
      if (age >= maxAgeMs || age < 0 || entry!.readAt < mark.validFrom) {
        missing.push(key);
        continue;
      }
      found.set(key, entry!.value);
      if (age >= maxAgeMs / 2 && !entry!.refreshing) aging.push(key);
    }
    if (aging.length > 0) refresh(aging);
    if (missing.length > 0) {
      const values = await readThrough(missing, now);
      for (const key of missing) found.set(key, values.get(key) ?? null);
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
    get stale() {
      return stale;
    },
  };
}

/**
 * The other half of the cache's promise: a request that changed what the
 * invoke path reads announces it (see edge/change-mark.ts) before it
 * answers.
 */
export class EdgeChanges {
  #changed = false;

  /** Call after a write to KV of an entry the invoke path reads. (A deployment's coordinator announces its own changes.) */
  changed() {
    this.#changed = true;
  }

  /** Resolves once every isolate here will read what this request changed (at once if it changed nothing). */
  async settle(maxAgeMs: number): Promise<void> {
    if (this.#changed) await announceEdgeChange(maxAgeMs);
  }
}
