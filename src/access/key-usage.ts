import type { Deps, Principal } from "../context";
import { BoundedMap } from "../lib/bounded-map";
import { log } from "../lib/log";

/** Report each key's use at most once a minute per isolate. */
const REPORT_INTERVAL_MS = 60_000;
const lastReported = new BoundedMap<string, number>(10_000);

/**
 * Notes that a key was used. `last_used_at` is a coarse hint, so rather than
 * write D1 on every request (the invoke path must not touch D1) each isolate
 * enqueues at most one message per key per minute, and the queue consumer
 * writes them in batches. The figure can lag by about a minute. Returns
 * the send to wait for, or null when this use needs no report.
 */
export function recordKeyUse(deps: Pick<Deps, "events" | "now">, principal: Principal): Promise<void> | null {
  const now = deps.now().getTime();
  const previous = lastReported.get(principal.keyId);
  if (previous !== undefined && now - previous < REPORT_INTERVAL_MS) return null;
  lastReported.set(principal.keyId, now);
  return report(deps, principal, now);
}

async function report(deps: Pick<Deps, "events">, principal: Principal, now: number): Promise<void> {
  try {
    await deps.events.send({ type: "api_key.used", workspace_id: principal.workspaceId, key_id: principal.keyId, at: new Date(now).toISOString() });
  } catch (error) {
    // Losing a usage hint is harmless; failing the request over it is not.
    lastReported.delete(principal.keyId);
    log.warn("could not enqueue key usage", { error });
  }
}
