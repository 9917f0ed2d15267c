import { EgressRefused, guardedFetch } from "../egress/guarded-fetch";
import { type EgressPolicy, STRICT_EGRESS } from "../egress/outbound-url";
import type { DeliveryAttempt, WebhookDeliveryRow } from "./repository";
import { webhookHeaders } from "./signature";

/** Attempts per round (the first delivery, or a manual redelivery) before a delivery is marked failed. */
export const MAX_DELIVERY_ATTEMPTS = 8;

/** How long a receiver may take to answer before the attempt counts as failed. */
export const DELIVERY_TIMEOUT_MS = 10_000;

/** The longest wait a queue message can be retried after (12 hours). */
const MAX_RETRY_DELAY_SECONDS = 43_200;

/** Only so much of a network error's text is kept in the delivery log. */
const MAX_ERROR_LENGTH = 300;

/**
 * The wait before the next attempt after `failedAttempts` failures in a
 * row: the base, then four times longer each time (10 s, 40 s, 160 s, … with
 * the default base), capped at 12 hours. With 8 attempts a delivery keeps
 * trying for about 15 hours: long enough to ride out a receiver's outage.
 *
 * @example
 * retryDelaySeconds(1, 10); // 10
 * retryDelaySeconds(3, 10); // 160
 */
export function retryDelaySeconds(failedAttempts: number, baseSeconds: number): number {
  return Math.min(MAX_RETRY_DELAY_SECONDS, baseSeconds * 4 ** Math.max(0, failedAttempts - 1));
}

/**
 * POSTs a delivery's payload, signed, to the webhook's URL, once. The URL
 * passes the egress policy again (it was checked when saved, but the
 * deployment's rules may have changed since); a refused one is a failed
 * attempt that names the reason, with nothing sent. Redirects are not
 * followed (a 3xx counts as a failure, as any non-2xx does), so the signed
 * body only ever reaches the URL the administrator registered.
 * Never throws: every outcome becomes an attempt record.
 */
export async function attemptDelivery(
  url: string,
  secret: string,
  delivery: Pick<WebhookDeliveryRow, "eventId" | "payload">,
  now: () => Date,
  egress: EgressPolicy = STRICT_EGRESS,
): Promise<DeliveryAttempt & { ok: boolean }> {
  const started = now();
  const headers = await webhookHeaders(secret, delivery.eventId, Math.floor(started.getTime() / 1000), delivery.payload);
  const record = (status: number | null, error: string | null) => ({
    ok: status !== null && status >= 200 && status < 300,
    at: started.toISOString(),
    status,
    error,
    duration_ms: Math.max(0, now().getTime() - started.getTime()),
  });
  try {
    const res = await guardedFetch(egress)(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Stagecraft-Webhooks/1", ...headers },
      body: delivery.payload,
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    // The body is not needed; release the connection.
    await res.body?.cancel();
    return record(res.status, res.ok ? null : `HTTP ${res.status}`);
  } catch (error) {
    if (error instanceof EgressRefused) return record(null, `Not sent: ${error.message}`.slice(0, MAX_ERROR_LENGTH));
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    return record(null, timedOut ? `No response within ${DELIVERY_TIMEOUT_MS / 1000} s` : String(error).slice(0, MAX_ERROR_LENGTH));
  }
}

/** Where a pending delivery stands after an attempt. */
export function afterAttempt(
  attempt: { ok: boolean; at: string },
  attemptsInRound: number,
  baseSeconds: number,
): { next: Pick<WebhookDeliveryRow, "status" | "nextAttemptAt" | "deliveredAt">; retryInSeconds: number | null } {
  if (attempt.ok) return { next: { status: "succeeded", nextAttemptAt: null, deliveredAt: attempt.at }, retryInSeconds: null };
  if (attemptsInRound >= MAX_DELIVERY_ATTEMPTS) return { next: { status: "failed", nextAttemptAt: null, deliveredAt: null }, retryInSeconds: null };
  const wait = retryDelaySeconds(attemptsInRound, baseSeconds);
  return { next: { status: "pending", nextAttemptAt: new Date(Date.parse(attempt.at) + wait * 1000).toISOString(), deliveredAt: null }, retryInSeconds: wait };
}
