import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { recordJson } from "../../src/invoke/execution-record";
import { newId } from "../../src/lib/ids";
import type { QueueMessage, WebhookMessage } from "../../src/queue/messages";
import { createWorkspace, type TestWorkspace } from "../harness";
import { executionRecord } from "../metrics/seed";
import { createWebhook, deliveriesSettled, mockReceiver } from "../webhooks/receiver";

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs the Worker's queue handler on one batch of `queue`, as the queue would, and returns what it acknowledged or retried. */
async function consume<T extends QueueMessage | WebhookMessage>(queue: string, bodies: T[], attempts: number, bindings: Env = env) {
  const batch = createMessageBatch<T>(
    queue,
    bodies.map((body, i) => ({ id: `msg-${attempts}-${i}`, timestamp: new Date(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<QueueMessage | WebhookMessage>, bindings);
  return getQueueResult(batch, ctx);
}

/** A D1 binding whose batches fail while `down()` says so; everything else goes to the real database. */
function flakyDatabase(down: () => boolean): D1Database {
  return new Proxy(env.DB, {
    get: (target, prop) => (prop === "batch" && down() ? () => Promise.reject(new Error("D1_ERROR: Network connection lost.")) : Reflect.get(target, prop).bind(target)),
  });
}

async function executionIds(workspaceId: string) {
  return (await env.DB.prepare("SELECT id FROM executions WHERE workspace_id = ? ORDER BY id").bind(workspaceId).all<{ id: string }>()).results.map((r) => r.id);
}

function recordsFor(ws: TestWorkspace, count: number) {
  return Array.from({ length: count }, () => executionRecord({ workspace_id: ws.id, environment_id: ws.environments.staging!.id, started_at: Date.now() }));
}

describe("the events queue consumer when D1 fails", () => {
  it("a batch whose insert fails is retried whole, writes nothing, and its redelivery writes each execution once", async () => {
    const ws = await createWorkspace();
    const records = recordsFor(ws, 5);
    const bodies: QueueMessage[] = [
      { type: "executions.recorded", records: records.slice(0, 3).map(recordJson) },
      { type: "executions.recorded", records: records.slice(3).map(recordJson) },
    ];
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);

    const failed = await consume("stagecraft-events", bodies, 1, { ...env, DB: flakyDatabase(() => true) } as Env);
    expect(failed.retryBatch).toMatchObject({ retry: true });
    expect(failed.explicitAcks).toEqual([]);
    expect(error).toHaveBeenCalledWith(expect.stringContaining("events batch could not be written"));
    expect(await executionIds(ws.id)).toEqual([]);

    const retried = await consume("stagecraft-events", bodies, 2);
    expect(retried.retryBatch.retry).toBe(false);
    expect(retried.explicitAcks).toHaveLength(2);
    const ids = records.map((r) => r.id).sort();
    expect(await executionIds(ws.id)).toEqual(ids);

    // Delivered once more (an acknowledgement lost on the way): still one row per execution, counted once.
    await consume("stagecraft-events", bodies, 3);
    expect(await executionIds(ws.id)).toEqual(ids);
    const rollup = await env.DB.prepare("SELECT SUM(executions) AS n FROM execution_rollups WHERE workspace_id = ?").bind(ws.id).first<{ n: number }>();
    expect(rollup?.n).toBe(5);
  });
});

describe("webhook messages delivered more than once", { timeout: 30_000 }, () => {
  it("two copies of one delivery message at once: one request to the receiver, one attempt, one delivery row", async () => {
    const ws = await createWorkspace();
    const hook = await createWebhook(ws, "staging", { events: ["release.created"] });
    // Slow enough that both copies are in flight together.
    const received = mockReceiver(async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return new Response(null, { status: 204 });
    });
    const eventId = newId("webhookEvent");
    const event: WebhookMessage = {
      type: "webhook.event",
      workspace_id: ws.id,
      environment_id: ws.environments.staging!.id,
      event: { id: eventId, type: "release.created", created_at: new Date().toISOString(), workspace_id: ws.id, environment: "staging", data: {} },
    };
    // The fan-out, run by hand so the test holds the delivery message it would send.
    const sent = vi.spyOn(env.WEBHOOKS, "sendBatch").mockResolvedValue(undefined as never);
    expect((await consume("stagecraft-webhooks", [event], 1)).explicitAcks).toHaveLength(1);
    const deliver = [...sent.mock.calls[0]![0]][0]!.body as WebhookMessage;
    expect(deliver).toMatchObject({ type: "webhook.deliver", workspace_id: ws.id });
    sent.mockRestore();

    const [first, second] = await Promise.all([consume("stagecraft-webhooks", [deliver], 1), consume("stagecraft-webhooks", [deliver], 2)]);
    expect(received).toHaveLength(1);
    // One copy made the attempt and is done; the other found the delivery held and looks again later.
    const results = [first, second].map((r) => ({ acked: r.explicitAcks.length, retried: r.retryMessages.length }));
    expect(results).toContainEqual({ acked: 1, retried: 0 });
    expect(results).toContainEqual({ acked: 0, retried: 1 });

    // When it comes back, the delivery has ended: it is acknowledged without a request.
    expect((await consume("stagecraft-webhooks", [deliver], 3)).explicitAcks).toHaveLength(1);
    // And the event itself, re-sent from the outbox or redelivered by the queue, makes no second delivery.
    expect((await consume("stagecraft-webhooks", [event], 2)).explicitAcks).toHaveLength(1);
    expect((await consume("stagecraft-webhooks", [event], 1)).explicitAcks).toHaveLength(1);
    const rows = await deliveriesSettled(ws.id, 1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ webhook_id: hook.id, event_id: eventId, status: "succeeded" });
    expect(JSON.parse(rows[0]!.attempts)).toHaveLength(1);
    expect(received).toHaveLength(1);
  });
});
