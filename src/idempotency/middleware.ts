import canonicalize from "canonicalize";
import type { MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";
import { sha256Hex } from "../lib/crypto";
import { ApiError } from "../lib/problem";
import { claimIdempotencyKey, completeIdempotencyRecord, findIdempotencyRecord, IDEMPOTENCY_RETENTION_MS, type IdempotencyRecordRow, releaseIdempotencyKey } from "./repository";

const REPLAYED_HEADERS = ["content-type", "etag", "location"];

/** The middleware that answer for an Idempotency-Key: the one that honours it, and those that refuse it. */
const answersIdempotencyKey = new WeakSet<MiddlewareHandler>();

async function fingerprint(method: string, path: string, principalId: string, body: string): Promise<string> {
  let normalized = body;
  try {
    normalized = canonicalize(JSON.parse(body)) ?? body;
  } catch {
    // not JSON: compare the raw text
  }
  return sha256Hex(`${method} ${path}\n${principalId}\n${normalized}`);
}

function replay(record: IdempotencyRecordRow, fingerprintNow: string): Response {
  if (record.fingerprint !== fingerprintNow) {
    throw new ApiError("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used with a different request; use a new key", [
      { path: "header.idempotency-key", message: "Reused with another request" },
    ]);
  }
  if (record.status === null) throw new ApiError("IDEMPOTENT_REQUEST_IN_PROGRESS", "The first request with this Idempotency-Key has not finished; retry shortly");
  const stored = JSON.parse(record.body!) as { headers: Record<string, string>; body: string };
  return new Response(stored.body, { status: record.status, headers: { ...stored.headers, "Idempotent-Replayed": "true" } });
}

/**
 * `Idempotency-Key` support for a mutation: the first request with a key
 * runs and its response (success or client error) is stored for 24 hours;
 * a retry with the same key and the same request gets that response again
 * without running twice; the same key with a different request is a 422.
 * A 5xx is not stored, so the request may be retried.
 */
export const idempotent = createMiddleware<AppEnv>(async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (key === undefined) return next();
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new ApiError("VALIDATION_FAILED", "Idempotency-Key must be 1–255 visible ASCII characters", [{ path: "header.idempotency-key", message: "Invalid" }]);
  }
  const { db, now } = c.get("deps");
  const principal = c.get("principal");
  const print = await fingerprint(c.req.method, new URL(c.req.url).pathname + new URL(c.req.url).search, principal.keyId, await c.req.text());
  const claim: IdempotencyRecordRow = { workspaceId: principal.workspaceId, idempotencyKey: key, fingerprint: print, status: null, body: null, createdAt: now().toISOString() };

  let existing = await findIdempotencyRecord(db, principal.workspaceId, key);
  if (existing && Date.parse(existing.createdAt) < now().getTime() - IDEMPOTENCY_RETENTION_MS) {
    await releaseIdempotencyKey(db, principal.workspaceId, key);
    existing = null;
  }
  if (existing) return replay(existing, print);
  if (!(await claimIdempotencyKey(db, claim))) {
    // Lost a race with a concurrent request carrying the same key.
    return replay((await findIdempotencyRecord(db, principal.workspaceId, key))!, print);
  }

  await next();
  if (c.res.status >= 500) {
    await releaseIdempotencyKey(db, principal.workspaceId, key);
    return;
  }
  const headers = Object.fromEntries(REPLAYED_HEADERS.flatMap((h) => (c.res.headers.has(h) ? [[h, c.res.headers.get(h)!]] : [])));
  await completeIdempotencyRecord(db, principal.workspaceId, key, c.res.status, JSON.stringify({ headers, body: await c.res.clone().text() }));
});
answersIdempotencyKey.add(idempotent);

/**
 * Refuses a request carrying `Idempotency-Key` with a 400 saying why, so no
 * client believes a retry is safe where the key would be ignored.
 *
 * @example
 * middleware: [authenticate, refuseIdempotencyKey("The response holds a secret that is never stored")]
 */
export function refuseIdempotencyKey(reason: string) {
  const refuse = createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.header("idempotency-key") !== undefined) {
      throw new ApiError("VALIDATION_FAILED", `Idempotency-Key is not supported here: ${reason}`, [{ path: "header.idempotency-key", message: "Not supported by this operation" }]);
    }
    await next();
  });
  answersIdempotencyKey.add(refuse);
  return refuse;
}

/** What a route without its own Idempotency-Key handling does with one: refuse it. */
export const refuseUnsupportedIdempotencyKey = refuseIdempotencyKey("this operation would run again on a retry; send it without the header");

/** Whether one of a route's middleware honours or refuses Idempotency-Key by itself. */
export function answersForIdempotencyKey(middleware: readonly unknown[]): boolean {
  return middleware.some((handler) => typeof handler === "function" && answersIdempotencyKey.has(handler as MiddlewareHandler));
}
