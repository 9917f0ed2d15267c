/**
 * The location's change mark: one small entry in the Cache API of the
 * location (`caches.default`, shared by every isolate of this Worker in one
 * Cloudflare location) holding a random token, replaced by every request
 * that changes an API key entry, a tag pointer or an environment config in
 * KV, right after its KV writes.
 *
 * Isolates look at the mark at least every {@link CHANGE_CHECK_MS} (in the
 * background while traffic is steady) and drop what they cached before it
 * changed (see edge/cache.ts). So a writer that waits that long after
 * replacing the mark knows that the next request in this location reads
 * the new value: that wait, not the cache's whole bound, is what a change
 * costs.
 *
 * The Cache API is best effort: an entry can be evicted, and on a
 * `*.workers.dev` host a put is silently dropped. An absent mark is read as
 * a change (so eviction only costs readers a KV read), and a writer that
 * cannot read back the token it put waits out the cache's whole bound
 * instead, as if there were no mark.
 */

/** How old an isolate's last look at the mark may be for it to serve what it cached. */
export const CHANGE_CHECK_MS = 20;

/** Not a real host: the Cache API keys entries by URL, and this one is never fetched. */
export const CHANGE_MARK_URL = "https://edge-changes.stagecraft.invalid/mark";
/** Long enough that only eviction ends it; any change replaces it anyway. */
const MARK_TTL_SECONDS = 7 * 86_400;

/** The location's current token, or null when there is none (never written, evicted, or the Cache API is unavailable). */
export async function readChangeMark(): Promise<string | null> {
  try {
    const found = await caches.default.match(CHANGE_MARK_URL);
    return found ? await found.text() : null;
  } catch {
    return null;
  }
}

/** Replaces the location's token; true when reading it back finds the new one. */
export async function publishChangeMark(): Promise<boolean> {
  const token = crypto.randomUUID();
  try {
    await caches.default.put(CHANGE_MARK_URL, new Response(token, { headers: { "cache-control": `max-age=${MARK_TTL_SECONDS}` } }));
  } catch {
    return false;
  }
  return (await readChangeMark()) === token;
}

/**
 * What a writer does once its KV writes are done and before it answers:
 * replaces the mark, then waits until every isolate here has looked at it
 * since (or, when the mark could not be kept, until every isolate's cached
 * copy has expired).
 */
export async function announceEdgeChange(maxAgeMs: number): Promise<void> {
  if (maxAgeMs === 0) return;
  const published = await publishChangeMark();
  // One millisecond more, so that clock granularity cannot leave an isolate exactly at its limit.
  await new Promise((resolve) => setTimeout(resolve, (published ? Math.min(CHANGE_CHECK_MS, maxAgeMs) : maxAgeMs) + 1));
}
