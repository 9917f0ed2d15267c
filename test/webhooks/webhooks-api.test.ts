import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, createWorkspace, expectProblem, storageSnapshot } from "../harness";
import { createWebhook, RECEIVER } from "./receiver";

afterEach(() => {
  vi.restoreAllMocks();
});

const WEBHOOK_VIEW = {
  id: expect.stringMatching(/^whk_/),
  environment: "staging",
  url: `${RECEIVER}/staging`,
  events: ["*"],
  description: "",
  active: true,
  created_at: expect.any(String),
  created_by: expect.stringMatching(/^key_/),
  updated_at: expect.any(String),
};

describe("webhooks API", () => {
  it("create shows the signing secret once; get, list, update and delete never do; each change is audited without it", async () => {
    const ws = await createWorkspace();
    const created = await call("/v1/webhooks?environment=staging", { key: ws.adminKey, body: { url: `${RECEIVER}/staging` } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ ...WEBHOOK_VIEW, secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/) });
    const { id, secret } = created.body;
    expect(atob(secret.slice("whsec_".length))).toHaveLength(32);

    const got = await call(`/v1/webhooks/${id}`, { key: ws.adminKey });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(WEBHOOK_VIEW);
    const listed = await call("/v1/webhooks?environment=staging", { key: ws.adminKey });
    expect(listed.body).toEqual({ data: [WEBHOOK_VIEW], next_cursor: null });
    expect((await call("/v1/webhooks?environment=production", { key: ws.adminKey })).body).toEqual({ data: [], next_cursor: null });

    const updated = await call(`/v1/webhooks/${id}`, {
      method: "PATCH",
      key: ws.adminKey,
      body: { events: ["release.promoted", "release.promoted"], description: "Slack relay", active: false },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ ...WEBHOOK_VIEW, events: ["release.promoted"], description: "Slack relay", active: false });
    const stored = await env.DB.prepare("SELECT events, active, secret_ciphertext FROM webhooks WHERE id = ?")
      .bind(id)
      .first<{ events: string; active: number; secret_ciphertext: string }>();
    expect(stored).toMatchObject({ events: '["release.promoted"]', active: 0 });
    expect(stored!.secret_ciphertext).not.toContain(secret.slice(6, 20));

    const deleted = await call(`/v1/webhooks/${id}`, { method: "DELETE", key: ws.adminKey });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id, active: false });
    expectProblem(await call(`/v1/webhooks/${id}`, { key: ws.adminKey }), 404, "NOT_FOUND");
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM webhooks WHERE workspace_id = ?").bind(ws.id).first("n")).toBe(0);

    const audit = (await call("/v1/audit-events?environment=staging", { key: ws.adminKey })).body.data.filter((e: { action: string }) => e.action.startsWith("webhook."));
    expect(audit.map((e: { action: string }) => e.action).sort()).toEqual(["webhook.created", "webhook.deleted", "webhook.updated"]);
    const everything = JSON.stringify(await storageSnapshot());
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(secret.slice(6));
  });

  it("an environment key administers its own environment's webhooks; another environment's webhooks do not exist for it", async () => {
    const ws = await createWorkspace();
    const stagingAdmin = (await ws.key({ environment: "staging", scopes: ["admin"] })).key;
    const productionAdmin = (await ws.key({ environment: "production", scopes: ["admin"] })).key;
    const stagingReader = (await ws.key({ environment: "staging", scopes: ["read", "deploy", "promote", "approve"] })).key;
    const own = await call("/v1/webhooks", { key: stagingAdmin, body: { url: `${RECEIVER}/own`, events: ["release.created"] } });
    expect(own.status).toBe(201);
    expect(own.body.environment).toBe("staging");
    const production = await createWebhook(ws, "production");
    const other = await createWorkspace("Other");

    const before = await storageSnapshot();
    for (const path of [`/v1/webhooks/${production.id}`, `/v1/webhooks/${production.id}/deliveries`]) {
      expectProblem(await call(path, { key: stagingAdmin }), 404, "NOT_FOUND");
      expectProblem(await call(path, { key: other.adminKey }), 404, "NOT_FOUND");
    }
    expectProblem(await call(`/v1/webhooks/${production.id}`, { method: "PATCH", key: stagingAdmin, body: { active: false } }), 404, "NOT_FOUND");
    expectProblem(await call(`/v1/webhooks/${production.id}`, { method: "DELETE", key: stagingAdmin }), 404, "NOT_FOUND");
    expectProblem(await call("/v1/webhooks?environment=production", { key: stagingAdmin }), 404, "NOT_FOUND");
    expectProblem(await call("/v1/webhooks?environment=production", { key: stagingAdmin, body: { url: `${RECEIVER}/x` } }), 404, "NOT_FOUND");
    // Another workspace's key names its own staging, which has no webhooks.
    expect((await call("/v1/webhooks?environment=staging", { key: other.adminKey })).body).toEqual({ data: [], next_cursor: null });
    expectProblem(await call("/v1/webhooks", { key: stagingReader }), 403, "INSUFFICIENT_SCOPE");
    expectProblem(await call(`/v1/webhooks/${own.body.id}`, { key: stagingReader }), 403, "INSUFFICIENT_SCOPE");
    expectProblem(await call("/v1/webhooks", { key: ws.adminKey }), 400, "VALIDATION_FAILED");
    expectProblem(await call(`/v1/webhooks/${own.body.id}`), 401, "UNAUTHENTICATED");
    expect(await storageSnapshot()).toEqual(before);

    const listed = await call("/v1/webhooks", { key: stagingAdmin });
    expect(listed.body.data.map((w: { id: string }) => w.id)).toEqual([own.body.id]);
    expect((await call(`/v1/webhooks/${production.id}`, { key: productionAdmin })).status).toBe(200);
  });

  it("bad input is refused naming the field, and nothing is stored", async () => {
    const ws = await createWorkspace();
    const hook = await createWebhook(ws, "staging");
    const before = await storageSnapshot();
    const cases: [string, unknown, string][] = [
      ["POST", { url: "ftp://example.com/hook" }, "body.url"],
      ["POST", { url: "not a url" }, "body.url"],
      ["POST", { url: "https://user:pass@example.com/hook" }, "body.url"],
      ["POST", { url: `https://example.com/${"x".repeat(2100)}` }, "body.url"],
      ["POST", {}, "body.url"],
      ["POST", { url: `${RECEIVER}/x`, events: ["release.created", "release.exploded"] }, "body.events[1]"],
      ["POST", { url: `${RECEIVER}/x`, events: [] }, "body.events"],
      ["POST", { url: `${RECEIVER}/x`, events: "release.created" }, "body.events"],
      ["POST", { url: `${RECEIVER}/x`, secret: "whsec_mine" }, "body.secret"],
      ["POST", { url: `${RECEIVER}/x`, active: "yes" }, "body.active"],
      ["PATCH", { events: ["nope"] }, "body.events[0]"],
      ["PATCH", { url: "javascript:alert(1)" }, "body.url"],
      ["PATCH", {}, "body"],
    ];
    for (const [method, body, field] of cases) {
      const path = method === "POST" ? "/v1/webhooks?environment=staging" : `/v1/webhooks/${hook.id}`;
      const problem = expectProblem(await call(path, { method, key: ws.adminKey, body }), 400, "VALIDATION_FAILED");
      expect(
        (problem.errors as { path: string }[]).map((e) => e.path),
        JSON.stringify(body),
      ).toContain(field);
    }
    expectProblem(await call("/v1/webhooks?environment=staging", { key: ws.adminKey, rawBody: "{", headers: { "content-type": "application/json" } }), 400);
    expectProblem(await call("/v1/webhooks?environment=staging&limit=0", { key: ws.adminKey }), 400, "VALIDATION_FAILED");
    expectProblem(await call(`/v1/webhooks/${hook.id}/deliveries?cursor=garbage`, { key: ws.adminKey }), 400, "VALIDATION_FAILED");
    expectProblem(await call(`/v1/webhooks/${hook.id}/deliveries/whd_unknown/redeliver`, { method: "POST", key: ws.adminKey }), 404, "NOT_FOUND");
    expect(await storageSnapshot()).toEqual(before);
  });

  it("redelivering to an inactive webhook is a 409 that says why, and reopens nothing", async () => {
    const ws = await createWorkspace();
    const hook = await createWebhook(ws, "staging", { active: false });
    await env.DB.prepare(
      "INSERT INTO webhook_deliveries (id, workspace_id, webhook_id, event_id, event_type, payload, status, attempts, next_attempt_at, created_at, delivered_at) VALUES (?, ?, ?, 'evt_1', 'release.created', '{}', 'failed', '[]', NULL, ?, NULL)",
    )
      .bind("whd_inactive", ws.id, hook.id, new Date().toISOString())
      .run();
    const before = await storageSnapshot();
    const res = await call(`/v1/webhooks/${hook.id}/deliveries/whd_inactive/redeliver`, { method: "POST", key: ws.adminKey });
    expect(expectProblem(res, 409, "WEBHOOK_INACTIVE").detail).toMatch(/inactive.*"active": true/);
    expect(await storageSnapshot()).toEqual(before);
  });

  it("null in a PATCH clears the description, and is refused as 'Cannot be cleared' for url, events and active", async () => {
    const ws = await createWorkspace();
    const hook = await createWebhook(ws, "staging", { description: "ops channel" });
    const before = await storageSnapshot();
    const refused = await call(`/v1/webhooks/${hook.id}`, { method: "PATCH", key: ws.adminKey, body: { url: null, events: null, active: null } });
    expect(expectProblem(refused, 400, "VALIDATION_FAILED").errors).toEqual([
      { path: "body.url", message: "Cannot be cleared" },
      { path: "body.events", message: "Cannot be cleared" },
      { path: "body.active", message: "Cannot be cleared" },
    ]);
    expect(await storageSnapshot()).toEqual(before);
    const cleared = await call(`/v1/webhooks/${hook.id}`, { method: "PATCH", key: ws.adminKey, body: { description: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ description: "", url: hook.url, active: true });
    expect(await env.DB.prepare("SELECT description FROM webhooks WHERE id = ?").bind(hook.id).first("description")).toBe("");
  });

  it("lists page through webhooks newest first", async () => {
    const ws = await createWorkspace();
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await createWebhook(ws, "development", { url: `${RECEIVER}/${i}` })).id);
    const first = await call("/v1/webhooks?environment=development&limit=2", { key: ws.adminKey });
    expect(first.body.data.map((w: { id: string }) => w.id)).toEqual([ids[2], ids[1]]);
    const second = await call(`/v1/webhooks?environment=development&limit=2&cursor=${first.body.next_cursor}`, { key: ws.adminKey });
    expect(second.body).toEqual({ data: [expect.objectContaining({ id: ids[0] })], next_cursor: null });
  });

  it("deleting an environment deletes its webhooks", async () => {
    const ws = await createWorkspace();
    expect((await call("/v1/environments", { key: ws.adminKey, body: { name: "qa" } })).status).toBe(201);
    const hook = await createWebhook(ws, "qa");
    expect((await call("/v1/environments/qa", { method: "DELETE", key: ws.adminKey })).status).toBe(200);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM webhooks WHERE id = ?").bind(hook.id).first("n")).toBe(0);
  });
});
