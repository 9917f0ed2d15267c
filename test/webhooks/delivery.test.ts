import { afterEach, describe, expect, it, vi } from "vitest";
import { call, createWorkspace } from "../harness";
import { createSandbox, deploy } from "../lifecycle/fixtures";
import { createWebhook, deliveriesSettled, deliveriesWhere, mockReceiver, RECEIVER, signatureIsValid } from "./receiver";

afterEach(() => {
  vi.restoreAllMocks();
});

// Deliveries travel through the real queue, a batch a second; retries wait for the next batch.
describe("webhook delivery", { timeout: 30_000 }, () => {
  it("a receiver that fails twice then succeeds gets exactly one successful delivery, validly signed", async () => {
    const ws = await createWorkspace();
    const hook = await createWebhook(ws, "staging", { events: ["release.created"] });
    const received = mockReceiver((_, count) => new Response(count <= 2 ? "try later" : "ok", { status: count <= 2 ? 500 : 200 }));
    const sandbox = await createSandbox(ws);
    const deployed = await deploy(ws, sandbox.id, ["staging"]);
    expect(deployed.status).toBe(201);
    const release = deployed.body.releases[0];

    const [delivery] = await deliveriesSettled(ws.id, 1);
    expect(delivery).toMatchObject({ webhook_id: hook.id, event_type: "release.created", status: "succeeded" });
    expect(received).toHaveLength(3);
    // The same event each time: one id, one body; receivers deduplicate on webhook-id.
    expect(new Set(received.map((r) => r.headers.get("webhook-id")))).toEqual(new Set([delivery!.event_id]));
    expect(new Set(received.map((r) => r.body)).size).toBe(1);
    const succeeded = received[2]!;
    expect(succeeded.url).toBe(`${RECEIVER}/staging`);
    expect(succeeded.headers.get("content-type")).toBe("application/json");
    expect(await signatureIsValid(hook.secret, succeeded.headers, succeeded.body)).toBe(true);
    expect(await signatureIsValid(hook.secret, succeeded.headers, succeeded.body.replace("staging", "productio"))).toBe(false);
    expect(Math.abs(Number(succeeded.headers.get("webhook-timestamp")) - Date.now() / 1000)).toBeLessThan(60);
    expect(JSON.parse(succeeded.body)).toEqual({
      id: delivery!.event_id,
      type: "release.created",
      created_at: expect.any(String),
      workspace_id: ws.id,
      environment: "staging",
      data: {
        deployment: { id: deployed.body.deployment.id, name: "faq", kind: "prompt" },
        release: { ...release, tags: ["LATEST"] },
      },
    });

    const log = await call(`/v1/webhooks/${hook.id}/deliveries`, { key: ws.adminKey });
    expect(log.status).toBe(200);
    expect(log.body.next_cursor).toBeNull();
    expect(log.body.data).toHaveLength(1);
    expect(log.body.data[0]).toMatchObject({
      id: delivery!.id,
      event_id: delivery!.event_id,
      event_type: "release.created",
      status: "succeeded",
      delivered_at: expect.any(String),
      next_attempt_at: null,
      payload: JSON.parse(succeeded.body),
    });
    expect(log.body.data[0].attempts).toEqual([
      { at: expect.any(String), status: 500, error: "HTTP 500", duration_ms: expect.any(Number) },
      { at: expect.any(String), status: 500, error: "HTTP 500", duration_ms: expect.any(Number) },
      { at: expect.any(String), status: 200, error: null, duration_ms: expect.any(Number) },
    ]);
    expect(JSON.stringify(log.body)).not.toContain(hook.secret);
  });

  it("deploy, promote and revert send their events to the subscribed webhooks of that environment only", async () => {
    const ws = await createWorkspace();
    await call("/v1/environments/production", { method: "PATCH", key: ws.adminKey, body: { protected: false } });
    const everything = await createWebhook(ws, "production", { url: `${RECEIVER}/everything` });
    const revertsOnly = await createWebhook(ws, "production", { url: `${RECEIVER}/reverts`, events: ["release.reverted"] });
    const staging = await createWebhook(ws, "staging", { events: ["*"] });
    const paused = await createWebhook(ws, "production", { active: false });
    const received = mockReceiver();

    const sandbox = await createSandbox(ws);
    const deployed = await deploy(ws, sandbox.id, ["staging"]);
    const stagingRelease = deployed.body.releases[0];
    await deliveriesWhere(ws.id, 1, "status = 'succeeded'");
    const promoted = await call(`/v1/releases/${stagingRelease.id}/promote`, { key: ws.adminKey, body: { environments: ["production"] } });
    expect(promoted.status).toBe(201);
    const second = await call(`/v1/releases/${stagingRelease.id}/promote`, { key: ws.adminKey, body: { environments: ["production"] } });
    expect(second.status).toBe(201);
    const reverted = await call(`/v1/deployments/${deployed.body.deployment.id}/revert?environment=production`, { key: ws.adminKey, body: {} });
    expect(reverted.status).toBe(201);

    // staging: release.created (deploy). production, all events: 2 × (created + promoted) + created + reverted; reverts only: 1.
    const settled = await deliveriesSettled(ws.id, 1 + 6 + 1);
    expect(settled).toHaveLength(8);
    const typesFor = (webhookId: string) => settled.filter((d) => d.webhook_id === webhookId).map((d) => d.event_type);
    expect(typesFor(staging.id)).toEqual(["release.created"]);
    expect(typesFor(everything.id)).toEqual(["release.created", "release.promoted", "release.created", "release.promoted", "release.created", "release.reverted"]);
    expect(typesFor(revertsOnly.id)).toEqual(["release.reverted"]);
    expect(typesFor(paused.id)).toEqual([]);
    expect(received).toHaveLength(8);
    expect(settled.every((d) => d.status === "succeeded")).toBe(true);

    const payloads = received.map((r) => JSON.parse(r.body));
    const promotedEvent = payloads.find((p) => p.type === "release.promoted");
    expect(promotedEvent).toMatchObject({
      environment: "production",
      data: { release: { id: promoted.body.results[0].release.id, environment: "production", version: 1, source: { type: "promotion", release_id: stagingRelease.id } } },
    });
    const revertedEvent = payloads.find((p) => p.type === "release.reverted");
    expect(revertedEvent).toMatchObject({
      environment: "production",
      data: { release: { id: reverted.body.release.id, version: 3, tags: ["LATEST"], source: { type: "revert" } } },
    });
    for (const r of received) {
      const secret = [everything, revertsOnly, staging].find((h) => r.url === h.url)!.secret;
      expect(await signatureIsValid(secret, r.headers, r.body)).toBe(true);
    }
    // Every event of an environment reaches each subscribed webhook under the same id.
    const eventIds = settled.filter((d) => d.event_type === "release.reverted").map((d) => d.event_id);
    expect(new Set(eventIds).size).toBe(1);
  });

  it("promotion requests, approvals and rejections notify the target environment", async () => {
    const ws = await createWorkspace();
    await call("/v1/environments/production", { method: "PATCH", key: ws.adminKey, body: { required_approvals: 2 } });
    const hook = await createWebhook(ws, "production", { events: ["promotion.requested", "promotion.approved", "promotion.rejected", "release.promoted"] });
    const received = mockReceiver();
    const sandbox = await createSandbox(ws);
    const staging = (await deploy(ws, sandbox.id, ["staging"])).body.releases[0];
    // A release has at most one open request per environment, so the one to reject is of a second release.
    const nextStaging = (await deploy(ws, sandbox.id, ["staging"])).body.releases[0];
    const approvers = await Promise.all([1, 2].map(async () => (await ws.key({ environment: null, scopes: ["approve", "read"] })).key));

    const first = await call(`/v1/releases/${staging.id}/promote`, { key: ws.adminKey, body: { environments: ["production"] } });
    const rejectedRequest = await call(`/v1/releases/${nextStaging.id}/promote`, { key: ws.adminKey, body: { environments: ["production"] } });
    expect([first.status, rejectedRequest.status]).toEqual([202, 202]);
    const requestId = first.body.results[0].promotion_request.id;
    expect((await call(`/v1/promotion-requests/${requestId}/approve`, { key: approvers[0]!, body: {} })).status).toBe(200);
    const executed = await call(`/v1/promotion-requests/${requestId}/approve`, { key: approvers[1]!, body: {} });
    expect(executed.status).toBe(201);
    const rejectedId = rejectedRequest.body.results[0].promotion_request.id;
    expect((await call(`/v1/promotion-requests/${rejectedId}/reject`, { key: approvers[0]!, body: { comment: "no" } })).status).toBe(200);

    const settled = await deliveriesSettled(ws.id, 6);
    expect(settled.map((d) => d.event_type)).toEqual([
      "promotion.requested",
      "promotion.requested",
      "promotion.approved",
      "promotion.approved",
      "release.promoted",
      "promotion.rejected",
    ]);
    const payloads = received.map((r) => JSON.parse(r.body)).sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(payloads[0]).toMatchObject({
      type: "promotion.requested",
      environment: "production",
      data: { promotion_request: { id: requestId, status: "pending", release_id: staging.id }, release: null },
    });
    expect(payloads[3]).toMatchObject({
      type: "promotion.approved",
      data: {
        promotion_request: { id: requestId, status: "executed", result_release_id: executed.body.release.id },
        release: { id: executed.body.release.id, environment: "production" },
      },
    });
    expect(payloads[5]).toMatchObject({ type: "promotion.rejected", data: { promotion_request: { id: rejectedId, status: "rejected" } } });
    expect(hook.events).toHaveLength(4);
  });

  it("a completed test suite run notifies the environment it ran in, with its summary", async () => {
    const ws = await createWorkspace();
    await createWebhook(ws, "staging", { events: ["test_suite_run.completed"] });
    await createWebhook(ws, "production", { events: ["test_suite_run.completed"] });
    const received = mockReceiver();
    const sandbox = await createSandbox(ws);
    const staging = (await deploy(ws, sandbox.id, ["staging"])).body.releases[0];
    const suite = await call("/v1/test-suites", {
      key: ws.adminKey,
      body: { name: "smoke", cases: [{ inputs: { question: "Hello?" }, assertions: [{ type: "contains", value: "Hello" }] }] },
    });
    const run = await call(`/v1/test-suites/${suite.body.id}/runs`, { key: ws.adminKey, body: { release_id: staging.id } });
    expect(run.status).toBe(201);

    const settled = await deliveriesSettled(ws.id, 1);
    expect(settled.map((d) => [d.event_type, d.status])).toEqual([["test_suite_run.completed", "succeeded"]]);
    expect(received.map((r) => r.url)).toEqual([`${RECEIVER}/staging`]);
    const payload = JSON.parse(received[0]!.body);
    expect(payload).toMatchObject({
      type: "test_suite_run.completed",
      environment: "staging",
      data: { test_suite: { id: suite.body.id, name: "smoke" }, test_suite_run: { id: run.body.id, release_id: staging.id, pass_rate: 1 } },
    });
    expect(payload.data.test_suite_run.results).toBeUndefined();
  });
});
