import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runBatch } from "../../src/db/batch";
import { openDatabase } from "../../src/db/client";
import { newId } from "../../src/lib/ids";
import type { WebhookMessage } from "../../src/queue/messages";
import { consumeWebhookQueue } from "../../src/webhooks/consume-messages";
import { MAX_DELIVERY_ATTEMPTS, retryDelaySeconds } from "../../src/webhooks/delivery";
import { outboxWrites, relayEvents, webhookEvent } from "../../src/webhooks/outbox";
import { webhookSignature } from "../../src/webhooks/signature";
import { call, createWorkspace, expectProblem, storageSnapshot, type TestWorkspace } from "../harness";
import { createWebhook, deliveriesWhere, mockReceiver, signatureIsValid } from "./receiver";

afterEach(() => {
  vi.restoreAllMocks();
});

/** The Worker's bindings with the production backoff base, as `wrangler.toml` sets it. */
const productionBackoff = { ...env, WEBHOOK_RETRY_BASE_SECONDS: "10" } as Env;

/** Runs the queue handler on one message, as the queue would on its `attempts`-th delivery. */
async function consumeOne(body: WebhookMessage, attempts: number, bindings: Env = env) {
  const batch = createMessageBatch<WebhookMessage>("stagecraft-webhooks", [{ id: `msg-${attempts}`, timestamp: new Date(), attempts, body }]);
  const ctx = createExecutionContext();
  await consumeWebhookQueue(batch, bindings);
  return getQueueResult(batch, ctx);
}

/** A pending delivery of a made-up event to `webhookId`, written as the fan-out would write it. */
async function pendingDelivery(ws: TestWorkspace, webhookId: string) {
  const id = newId("webhookDelivery");
  const eventId = newId("webhookEvent");
  const payload = JSON.stringify({ id: eventId, type: "release.created", created_at: new Date().toISOString(), workspace_id: ws.id, environment: "staging", data: {} });
  await env.DB.prepare(
    "INSERT INTO webhook_deliveries (id, workspace_id, webhook_id, event_id, event_type, payload, status, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, 'release.created', ?, 'pending', '[]', NULL, ?)",
  )
    .bind(id, ws.id, webhookId, eventId, payload, new Date().toISOString())
    .run();
  return { id, eventId, message: { type: "webhook.deliver", workspace_id: ws.id, delivery_id: id, round_start: 0 } as WebhookMessage };
}

async function deliveryLog(ws: TestWorkspace, webhookId: string) {
  const res = await call(`/v1/webhooks/${webhookId}/deliveries`, { key: ws.adminKey });
  expect(res.status).toBe(200);
  return res.body.data as { id: string; status: string; attempts: { at: string; status: number | null; error: string | null }[]; next_attempt_at: string | null }[];
}

describe("webhook queue consumer", () => {
  it("signs as the Standard Webhooks specification's test vector says", async () => {
    expect(await webhookSignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}')).toBe(
      "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    );
  });

  it("backs off four times longer after each failure, up to the queue's 12-hour limit", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryDelaySeconds(n, 10))).toEqual([10, 40, 160, 640, 2560, 10240, 40960]);
    expect(retryDelaySeconds(9, 10)).toBe(43_200);
    expect(retryDelaySeconds(3, 0)).toBe(0);
  });

  it("a receiver that never succeeds: retried with growing waits, then failed after the last attempt; redelivery starts a new round", { timeout: 30_000 }, async () => {
    const ws = await createWorkspace();
    const hook = await createWebhook(ws, "staging");
    let answer = 503;
    const received = mockReceiver(() => new Response(null, { status: answer }));
    const delivery = await pendingDelivery(ws, hook.id);

    const waits: number[] = [];
    for (let attempt = 1; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
      const result = await consumeOne(delivery.message, attempt, productionBackoff);
      if (attempt < MAX_DELIVERY_ATTEMPTS) {
        // The queue retries the message; the log says when (the test helper does not report the delay itself).
        expect(result.retryMessages).toEqual([{ msgId: `msg-${attempt}` }]);
        const [row] = await deliveryLog(ws, hook.id);
        expect(row).toMatchObject({ status: "pending", next_attempt_at: expect.any(String) });
        waits.push((Date.parse(row!.next_attempt_at!) - Date.parse(row!.attempts.at(-1)!.at)) / 1000);
      } else {
        expect(result.retryMessages).toEqual([]);
        expect(result.explicitAcks).toEqual([`msg-${attempt}`]);
      }
    }
    expect(waits).toEqual([10, 40, 160, 640, 2560, 10240, 40960]);
    expect(received).toHaveLength(MAX_DELIVERY_ATTEMPTS);
    const [failed] = await deliveryLog(ws, hook.id);
    expect(failed).toMatchObject({ id: delivery.id, status: "failed", next_attempt_at: null });
    expect(failed!.attempts).toHaveLength(MAX_DELIVERY_ATTEMPTS);
    expect(failed!.attempts.every((a) => a.status === 503 && a.error === "HTTP 503")).toBe(true);

    // The queue delivering the message once more changes nothing: an ended delivery is never sent again.
    const before = await storageSnapshot();
    expect((await consumeOne(delivery.message, MAX_DELIVERY_ATTEMPTS + 1)).explicitAcks).toHaveLength(1);
    expect(received).toHaveLength(MAX_DELIVERY_ATTEMPTS);
    expect(await storageSnapshot()).toEqual(before);

    // Once the receiver is fixed, a redelivery goes through the real queue with the same event id.
    answer = 200;
    // Two redeliveries at once: one reopens the delivery, the other finds it pending.
    const redeliver = () => call(`/v1/webhooks/${hook.id}/deliveries/${delivery.id}/redeliver`, { method: "POST", key: ws.adminKey });
    const [redelivered, refused] = (await Promise.all([redeliver(), redeliver()])).sort((x, y) => x.status - y.status);
    expect(redelivered!.status).toBe(202);
    expect(redelivered!.body).toMatchObject({ id: delivery.id, status: "pending" });
    expectProblem(refused!, 409, "DELIVERY_PENDING");
    await deliveriesWhere(ws.id, 1, "status = 'succeeded'");
    const [succeeded] = await deliveryLog(ws, hook.id);
    expect(succeeded!.status).toBe("succeeded");
    expect(succeeded!.attempts).toHaveLength(MAX_DELIVERY_ATTEMPTS + 1);
    expect(received.at(-1)!.headers.get("webhook-id")).toBe(delivery.eventId);
    expect(await signatureIsValid(hook.secret, received.at(-1)!.headers, received.at(-1)!.body)).toBe(true);
    expect((await call("/v1/audit-events?action=webhook.redelivery_requested", { key: ws.adminKey })).body.data).toHaveLength(1);
  });

  it("an event delivered twice by the queue makes one delivery per webhook", { timeout: 30_000 }, async () => {
    const ws = await createWorkspace();
    const hook = await createWebhook(ws, "staging", { events: ["release.created"] });
    const received = mockReceiver();
    const event: WebhookMessage = {
      type: "webhook.event",
      workspace_id: ws.id,
      environment_id: ws.environments.staging!.id,
      event: { id: newId("webhookEvent"), type: "release.created", created_at: new Date().toISOString(), workspace_id: ws.id, environment: "staging", data: {} },
    };
    expect((await consumeOne(event, 1)).explicitAcks).toHaveLength(1);
    expect((await consumeOne(event, 2)).explicitAcks).toHaveLength(1);
    await deliveriesWhere(ws.id, 1, "status = 'succeeded'");
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await deliveriesWhere(ws.id, 1)).toHaveLength(1);
    expect(received).toHaveLength(1);
    expect(received[0]!.headers.get("webhook-id")).toBe((event as { event: { id: string } }).event.id);
    expect((await deliveryLog(ws, hook.id))[0]!.attempts).toHaveLength(1);
  });

  it("a receiver that cannot be reached is logged as an attempt without a status, and retried", async () => {
    const ws = await createWorkspace();
    const hook = await createWebhook(ws, "staging");
    mockReceiver(() => {
      throw new TypeError("Network connection lost.");
    });
    const delivery = await pendingDelivery(ws, hook.id);
    expect((await consumeOne(delivery.message, 1)).retryMessages).toEqual([{ msgId: "msg-1" }]);
    const [row] = await deliveryLog(ws, hook.id);
    expect(row).toMatchObject({ status: "pending", attempts: [{ status: null, error: "TypeError: Network connection lost." }] });
  });

  it("a delivery whose webhook was switched off meanwhile is not sent", async () => {
    const ws = await createWorkspace();
    const hook = await createWebhook(ws, "staging");
    const received = mockReceiver();
    const delivery = await pendingDelivery(ws, hook.id);
    await call(`/v1/webhooks/${hook.id}`, { method: "PATCH", key: ws.adminKey, body: { active: false } });
    expect((await consumeOne(delivery.message, 1)).explicitAcks).toHaveLength(1);
    expect(received).toHaveLength(0);
    expect((await deliveryLog(ws, hook.id))[0]).toMatchObject({ status: "failed", attempts: [] });
  });

  it("an event committed to the outbox reaches its subscribers once relayed, and leaves the outbox", { timeout: 30_000 }, async () => {
    const ws = await createWorkspace();
    const hook = await createWebhook(ws, "staging", { events: ["test_suite_run.completed"] });
    await createWebhook(ws, "staging", { url: "https://hooks.test/releases-only", events: ["release.created"] });
    const received = mockReceiver();
    const run = { id: "tsr_example", test_suite_id: "tst_example", release_id: "rel_example", status: "passed", pass_rate: 1 };
    const db = openDatabase(env.DB);
    const event = webhookEvent(
      { now: () => new Date(), newId },
      { type: "test_suite_run.completed", workspaceId: ws.id, environment: ws.environments.staging!, data: { test_suite_run: run } },
    );
    await runBatch(db, outboxWrites(db, [event]));
    expect(await env.DB.prepare("SELECT id, event_type FROM event_outbox WHERE workspace_id = ?").bind(ws.id).all()).toMatchObject({
      results: [{ id: event.event.id, event_type: "test_suite_run.completed" }],
    });
    expect(await relayEvents({ db, webhooks: env.WEBHOOKS }, [event])).toBe(true);
    expect((await env.DB.prepare("SELECT id FROM event_outbox WHERE workspace_id = ?").bind(ws.id).all()).results).toEqual([]);
    const [delivery] = await deliveriesWhere(ws.id, 1, "status = 'succeeded'");
    expect(delivery).toMatchObject({ webhook_id: hook.id, event_id: event.event.id });
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!.body)).toEqual({ ...event.event, data: { test_suite_run: run } });
  });

  it("an event too large for the queue is logged and dropped from the outbox, not retried forever", async () => {
    const ws = await createWorkspace();
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const db = openDatabase(env.DB);
    // Queue messages are limited to 128 KB; this one is larger.
    const event = webhookEvent(
      { now: () => new Date(), newId },
      { type: "release.created", workspaceId: ws.id, environment: ws.environments.staging!, data: { padding: "x".repeat(200_000) } },
    );
    await runBatch(db, outboxWrites(db, [event]));
    expect(await relayEvents({ db, webhooks: env.WEBHOOKS }, [event])).toBe(true);
    expect(error).toHaveBeenCalledWith(expect.stringContaining("webhook events too large for the queue are dropped"));
    expect((await env.DB.prepare("SELECT id FROM event_outbox WHERE workspace_id = ?").bind(ws.id).all()).results).toEqual([]);
  });
});
