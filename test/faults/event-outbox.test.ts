import { createExecutionContext, createScheduledController, runDurableObjectAlarm, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runBatch } from "../../src/db/batch";
import { openDatabase } from "../../src/db/client";
import { newId } from "../../src/lib/ids";
import type { DeploymentCoordinator } from "../../src/releases/deployment-coordinator";
import { runScheduled } from "../../src/scheduled/run-scheduled";
import { outboxWrites, webhookEvent } from "../../src/webhooks/outbox";
import { createWorkspace, type TestWorkspace } from "../harness";
import { createSandbox, deploy } from "../lifecycle/fixtures";
import { createWebhook, deliveriesSettled, mockReceiver, type ReceivedRequest } from "../webhooks/receiver";

afterEach(() => {
  vi.restoreAllMocks();
});

function coordinatorOf(ws: TestWorkspace, deploymentId: string) {
  return env.DEPLOYMENT_COORDINATOR.get(env.DEPLOYMENT_COORDINATOR.idFromName(`${ws.id}:${deploymentId}`));
}

async function outboxRows(workspaceId: string) {
  return (await env.DB.prepare("SELECT id, event_type FROM event_outbox WHERE workspace_id = ? ORDER BY id").bind(workspaceId).all<{ id: string; event_type: string }>()).results;
}

/** Waits until `check` holds (the coordinator's real alarm fires on the wall clock), up to `timeoutMs`. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  let value = await read();
  for (const started = Date.now(); !check(value) && Date.now() - started < timeoutMs; ) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

/** What the receiver got for this workspace's webhooks (another test's late delivery is not ours). */
function receivedFor(received: ReceivedRequest[], workspaceId: string) {
  return received.filter((r) => JSON.parse(r.body).workspace_id === workspaceId);
}

/** KV with every write refused, as the coordinator sees it. */
/**
 * A workspace with a sandbox, a webhook on staging for release.created, a
 * mocked receiver, the sandbox's coordinator and its staging LATEST pointer
 * key; the outbox's retry warnings are silenced.
 */
async function faultSetup() {
  const ws = await createWorkspace();
  const hook = await createWebhook(ws, "staging", { events: ["release.created"] });
  const received = mockReceiver();
  const sandbox = await createSandbox(ws);
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
  return {
    ws,
    hook,
    ours: () => receivedFor(received, ws.id),
    sandbox,
    stub: coordinatorOf(ws, sandbox.deployment_id),
    pointerKey: `pointer:${ws.environments.staging!.id}:${sandbox.deployment_id}:LATEST`,
  };
}

function failingPuts(real: KVNamespace, onPut: () => never): KVNamespace {
  return new Proxy(real, { get: (target, prop) => (prop === "put" ? onPut : Reflect.get(target, prop).bind(target)) });
}

// The coordinator's alarm and the webhook queue run for real: a batch a second, alarms on the wall clock.
describe("webhook events survive faults between the commit and the send", { timeout: 40_000 }, () => {
  it("a coordinator lost right after the D1 commit, before the KV copy and the relay: KV converges and each event is delivered once", async () => {
    const { ws, hook, ours, sandbox, stub, pointerKey } = await faultSetup();

    // Nothing the object does after the commit gets out: neither its KV copy nor its relay, as if it
    // had died right after the commit.
    await runInDurableObject(stub, (coordinator: DeploymentCoordinator) => {
      coordinator.edge = failingPuts(coordinator.edge, () => {
        throw new Error("KV is down");
      });
      coordinator.webhooks = { sendBatch: () => Promise.reject(new Error("queue unavailable")) } as unknown as typeof coordinator.webhooks;
    });
    const deployed = await deploy(ws, sandbox.id, ["staging"]);
    expect(deployed.status).toBe(201);
    // A fresh instance gets working bindings and keeps only what the object stored.
    await runInDurableObject(stub, (coordinator: DeploymentCoordinator) => {
      coordinator.edge = env.EDGE;
      coordinator.webhooks = env.WEBHOOKS;
    });
    const committed = await env.DB.prepare("SELECT id FROM releases WHERE deployment_id = ?").bind(sandbox.deployment_id).all<{ id: string }>();
    expect(committed.results).toHaveLength(1);
    const releaseId = committed.results[0]!.id;
    expect(await env.EDGE.get(pointerKey)).toBeNull();
    // The event was committed with the release, and nothing has sent it yet.
    expect(await outboxRows(ws.id)).toEqual([{ id: expect.stringMatching(/^whe_/), event_type: "release.created" }]);
    expect(ours()).toHaveLength(0);

    // A fresh instance: its alarm, armed before the commit, copies KV and then relays the event.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await env.EDGE.get(pointerKey, "json")).toEqual({ release_id: releaseId, version: 1 });
    expect(await stub.pendingPropagation()).toEqual([]);
    const [delivery] = await deliveriesSettled(ws.id, 1);
    expect(delivery).toMatchObject({ webhook_id: hook.id, event_type: "release.created", status: "succeeded" });
    expect(
      await eventually(
        () => outboxRows(ws.id),
        (rows) => rows.length === 0,
      ),
    ).toEqual([]);
    // Later alarms and sweeps change nothing: one delivery, one request to the receiver.
    await runDurableObjectAlarm(stub);
    await runScheduledAt(Date.now() + 120_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await deliveriesSettled(ws.id, 1)).toHaveLength(1);
    expect(ours()).toHaveLength(1);
    expect(JSON.parse(ours()[0]!.body)).toMatchObject({ id: delivery!.event_id, type: "release.created", data: { release: { id: releaseId } } });
  });

  it("a relay the queue refuses is retried by the alarm; the caller had its answer and the event arrives once", async () => {
    const { ws, ours, sandbox, stub } = await faultSetup();
    await runInDurableObject(stub, (coordinator: DeploymentCoordinator) => {
      coordinator.webhooks = { sendBatch: () => Promise.reject(new Error("queue unavailable")) } as unknown as typeof coordinator.webhooks;
    });
    const deployed = await deploy(ws, sandbox.id, ["staging"]);
    expect(deployed.status).toBe(201);
    expect(await outboxRows(ws.id)).toHaveLength(1);
    await runInDurableObject(stub, (coordinator: DeploymentCoordinator) => {
      coordinator.webhooks = env.WEBHOOKS;
    });
    // The alarm relays once the event is due (after the command's own relay would have run).
    expect(
      await eventually(
        () => outboxRows(ws.id),
        (rows) => rows.length === 0,
      ),
    ).toEqual([]);
    expect(await deliveriesSettled(ws.id, 1)).toMatchObject([{ status: "succeeded", event_type: "release.created" }]);
    expect(ours()).toHaveLength(1);
    expect(await runInDurableObject(stub, (_, state) => state.storage.list({ prefix: "event:" }))).toEqual(new Map());
  });

  it("KV failing again and again: the outbox retries with growing waits and converges once KV recovers; the caller had its answer", async () => {
    const { ws, ours, sandbox, stub, pointerKey } = await faultSetup();
    await runInDurableObject(stub, (coordinator: DeploymentCoordinator) => {
      coordinator.edge = failingPuts(coordinator.edge, () => {
        throw new Error("KV is down");
      });
    });

    const deployed = await deploy(ws, sandbox.id, ["staging"]);
    expect(deployed.status).toBe(201);
    const releaseId = deployed.body.releases[0].id;
    // The event does not wait for KV: it is relayed and delivered, and leaves the outbox.
    expect(await deliveriesSettled(ws.id, 1)).toMatchObject([{ status: "succeeded" }]);
    expect(await outboxRows(ws.id)).toEqual([]);

    // Each failed retry waits twice as long as the one before (1 s doubling, at most 60 s).
    const backoff = () =>
      runInDurableObject(stub, async (_, state) => ({ retries: (await state.storage.get<number>("retries")) ?? 0, retryAt: (await state.storage.get<number>("retry-at")) ?? 0 }));
    let { retries } = await backoff();
    expect(retries).toBeGreaterThanOrEqual(1);
    for (let round = 1; round <= 3; round++) {
      const before = Date.now();
      expect(await runDurableObjectAlarm(stub)).toBe(true);
      const after = await backoff();
      expect(after.retries).toBe(retries + 1);
      retries = after.retries;
      expect(after.retryAt - before).toBeGreaterThanOrEqual(Math.min(60_000, 1_000 * 2 ** retries));
      expect(after.retryAt - Date.now()).toBeLessThanOrEqual(Math.min(60_000, 1_000 * 2 ** retries));
      expect(await env.EDGE.get(pointerKey)).toBeNull();
      expect(await stub.pendingPropagation()).toEqual([ws.environments.staging!.id]);
    }

    await runInDurableObject(stub, (coordinator: DeploymentCoordinator) => {
      coordinator.edge = env.EDGE;
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await env.EDGE.get(pointerKey, "json")).toEqual({ release_id: releaseId, version: 1 });
    expect(await stub.pendingPropagation()).toEqual([]);
    expect(await runInDurableObject(stub, (_, state) => state.storage.get("retries"))).toBeUndefined();
    // The alarm's retries never announced the change again.
    expect(await deliveriesSettled(ws.id, 1)).toHaveLength(1);
    expect(ours()).toHaveLength(1);
  });

  it("the scheduled sweep relays events a producer left in the outbox, once they are a minute old", async () => {
    const ws = await createWorkspace();
    const hook = await createWebhook(ws, "staging", { events: ["test_suite_run.completed"] });
    const received = mockReceiver();
    const ours = () => receivedFor(received, ws.id);
    const db = openDatabase(env.DB);
    const event = (at: Date) =>
      webhookEvent(
        { now: () => at, newId },
        { type: "test_suite_run.completed", workspaceId: ws.id, environment: ws.environments.staging!, data: { test_suite_run: { id: "tsr_left" } } },
      );
    const now = Date.now();
    const stale = event(new Date(now - 5 * 60_000));
    const fresh = event(new Date(now));
    // Committed as a producer commits them, and never relayed: the producer died.
    await runBatch(db, outboxWrites(db, [stale, fresh]));

    await runScheduledAt(now);
    const [delivery] = await deliveriesSettled(ws.id, 1);
    expect(delivery).toMatchObject({ webhook_id: hook.id, event_id: stale.event.id, status: "succeeded" });
    // The fresh one is still its producer's to relay; the next sweep takes it.
    expect(await outboxRows(ws.id)).toEqual([{ id: fresh.event.id, event_type: "test_suite_run.completed" }]);
    await runScheduledAt(now + 120_000);
    expect(await deliveriesSettled(ws.id, 2)).toHaveLength(2);
    expect(await outboxRows(ws.id)).toEqual([]);
    expect(
      ours()
        .map((r) => r.headers.get("webhook-id"))
        .sort(),
    ).toEqual([stale.event.id, fresh.event.id].sort());
  });
});

async function runScheduledAt(scheduledTime: number) {
  const ctx = createExecutionContext();
  await runScheduled(createScheduledController({ scheduledTime, cron: "*/15 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}
