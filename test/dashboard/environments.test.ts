import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { newId } from "../../src/lib/ids";
import { call as callApi, createWorkspace, storageSnapshot, type TestWorkspace } from "../harness";
import { createWebhook, deliveriesWhere, mockReceiver } from "../webhooks/receiver";
import { call, FORM, post, signIn } from "./browser-session";

afterEach(() => {
  vi.restoreAllMocks();
});

async function environmentRow(ws: TestWorkspace, name: string) {
  return env.DB.prepare("SELECT protected, required_approvals, test_gate, freeze_windows, variables FROM environments WHERE workspace_id = ? AND name = ?")
    .bind(ws.id, name)
    .first<{ protected: number; required_approvals: number; test_gate: string | null; freeze_windows: string; variables: string }>();
}

describe("dashboard environments", () => {
  it("lists the environments in pipeline order with their policy and links to settings, monitoring and executions", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws.adminKey);
    const page = await call("/environments", { headers: { cookie } });
    expect(page.status).toBe(200);
    const order = [...page.body.matchAll(/<tr data-environment="([a-z-]+)"/g)].map((m) => m[1]);
    expect(order).toEqual(["development", "staging", "production"]);
    for (const link of ["/environments/production", "/environments/production/monitoring", "/environments/production/executions"]) expect(page.body).toContain(`href="${link}"`);
    expect(page.body).toContain('action="/environments"');
    expect(page.body).not.toMatch(/<script(?! type="module" src="\/static\/)|style=/);

    const created = await post(cookie, "/environments", "/environments", { name: "qa", label: "QA" });
    expect(created.status).toBe(303);
    expect(created.headers.get("location")).toBe("/environments/qa?done=environment-created");
    expect((await environmentRow(ws, "qa"))?.required_approvals).toBe(0);
    const bad = await post(cookie, "/environments", "/environments", { name: "Not A Slug" });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain("Name:");
  });

  it("changes production's policy through the form, shows it, and refuses a bad value naming the field while changing nothing", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws.adminKey);
    const saved = await post(cookie, "/environments/production", "/environments/production/policy", {
      protected: "on",
      required_approvals: "2",
      test_gate: "on",
      min_pass_rate: "0.9",
      untested: "allow",
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe("/environments/production?done=policy-saved");
    const row = await environmentRow(ws, "production");
    expect(row?.required_approvals).toBe(2);
    expect(JSON.parse(row?.test_gate ?? "null")).toEqual({ min_pass_rate: 0.9, untested: "allow" });
    const shown = await call("/environments/production?done=policy-saved", { headers: { cookie } });
    expect(shown.body).toContain("The policy was saved.");
    expect(shown.body).toMatch(/id="policy-approvals"[^>]*value="2"/);
    const list = await call("/environments", { headers: { cookie } });
    expect(list.body).toContain("90% of each suite");
    // The API says the same: the page changed the same row the API reads.
    expect((await callApi("/v1/environments/production", { key: ws.adminKey })).body.required_approvals).toBe(2);

    const before = await storageSnapshot();
    const negative = await post(cookie, "/environments/production", "/environments/production/policy", { protected: "on", required_approvals: "-1" });
    expect(negative.status).toBe(400);
    expect(negative.body).toContain("Required approvals:");
    const backwards = await post(cookie, "/environments/production", "/environments/production/freeze-windows", { starts_at: "2026-12-27T00:00", ends_at: "2026-12-24T00:00" });
    expect(backwards.status).toBe(400);
    expect(backwards.body).toContain("Freeze ends: ends_at must be after starts_at");
    const garbage = await post(cookie, "/environments/production", "/environments/production/freeze-windows", { starts_at: "next tuesday", ends_at: "2026-12-24T00:00" });
    expect(garbage.status).toBe(400);
    expect(garbage.body).toContain("Freeze starts:");
    expect(await storageSnapshot()).toEqual(before);
  });

  it("adds and removes a freeze window, and edits, adds and removes variables", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws.adminKey);
    const added = await post(cookie, "/environments/staging", "/environments/staging/freeze-windows", {
      starts_at: "2030-12-24T00:00",
      ends_at: "2030-12-27T00:00",
      reason: "Holidays",
    });
    expect(added.status).toBe(303);
    expect(JSON.parse((await environmentRow(ws, "staging"))?.freeze_windows ?? "[]")).toEqual([
      { starts_at: "2030-12-24T00:00:00Z", ends_at: "2030-12-27T00:00:00Z", reason: "Holidays" },
    ]);
    const page = await call("/environments/staging", { headers: { cookie } });
    expect(page.body).toContain("Holidays");
    expect(page.body).toContain("1 freeze window planned");
    const removed = await post(cookie, "/environments/staging", "/environments/staging/freeze-windows/remove", {
      starts_at: "2030-12-24T00:00:00Z",
      ends_at: "2030-12-27T00:00:00Z",
    });
    expect(removed.status).toBe(303);
    expect(JSON.parse((await environmentRow(ws, "staging"))?.freeze_windows ?? "[]")).toEqual([]);

    const first = await post(cookie, "/environments/staging", "/environments/staging/variables", { variable_name: ["support_email"], variable_value: ["help@example.com"] });
    expect(first.status).toBe(303);
    const second = await post(cookie, "/environments/staging", "/environments/staging/variables", {
      variable_name: ["support_email", "tone"],
      variable_value: ["team@example.com", "friendly"],
    });
    expect(second.status).toBe(303);
    expect(JSON.parse((await environmentRow(ws, "staging"))?.variables ?? "{}")).toEqual({ support_email: "team@example.com", tone: "friendly" });
    const third = await post(cookie, "/environments/staging", "/environments/staging/variables", {
      variable_name: ["support_email", "tone", ""],
      variable_value: ["team@example.com", "friendly", ""],
      remove_variable: ["tone"],
    });
    expect(third.status).toBe(303);
    expect(JSON.parse((await environmentRow(ws, "staging"))?.variables ?? "{}")).toEqual({ support_email: "team@example.com" });
    const bad = await post(cookie, "/environments/staging", "/environments/staging/variables", { variable_name: ["not valid!"], variable_value: ["x"] });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain("Variable not valid!");
  });

  it("stores a secret set through the form encrypted and never renders its value", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws.adminKey);
    const value = "sk-test-very-secret-value-1234567890";
    const set = await post(cookie, "/environments/staging", "/environments/staging/secrets", { key: "OPENAI_API_KEY", value });
    expect(set.status).toBe(303);
    const row = await env.DB.prepare("SELECT ciphertext FROM environment_secrets WHERE workspace_id = ? AND name = 'OPENAI_API_KEY'").bind(ws.id).first<{ ciphertext: string }>();
    expect(row?.ciphertext).toBeTruthy();
    expect(row?.ciphertext).not.toContain(value);
    expect(row?.ciphertext).not.toContain(btoa(value).slice(0, 20));
    const page = await call(`${set.headers.get("location")}`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('data-secret="OPENAI_API_KEY"');
    expect(page.body).not.toContain(value);
    const audit = await call("/audit?action=secret.created", { headers: { cookie } });
    expect(audit.body).toContain("secret.created");
    expect(audit.body).not.toContain(value);

    const badName = await post(cookie, "/environments/staging", "/environments/staging/secrets", { key: "lower", value });
    expect(badName.status).toBe(400);
    expect(badName.body).toContain("Secret name:");
    expect(badName.body).not.toContain(value);

    const deleted = await post(cookie, "/environments/staging", "/environments/staging/secrets/OPENAI_API_KEY/delete", {});
    expect(deleted.headers.get("location")).toBe("/environments/staging?done=secret-deleted");
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM environment_secrets WHERE workspace_id = ?").bind(ws.id).first("n")).toBe(0);
  });

  it("creates a webhook showing its secret once, lists it, and deletes it", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws.adminKey);
    const created = await post(cookie, "/environments/staging", "/environments/staging/webhooks", {
      url: "https://hooks.test/ci",
      events: ["release.created", "release.promoted"],
    });
    expect(created.status).toBe(201);
    const secret = /id="webhook-secret">([^<]+)</.exec(created.body)?.[1];
    expect(secret).toMatch(/^whsec_/);
    expect(created.body).toContain('data-copy="#webhook-secret"');
    expect(created.body).toContain('<script type="module" src="/static/copy.js">');
    const hooks = (await callApi("/v1/webhooks?environment=staging", { key: ws.adminKey })).body.data as { id: string; events: string[] }[];
    expect(hooks).toHaveLength(1);
    expect(hooks[0]?.events).toEqual(["release.created", "release.promoted"]);
    const page = await call("/environments/staging", { headers: { cookie } });
    expect(page.body).toContain(`data-webhook="${hooks[0]?.id}"`);
    expect(page.body).not.toContain(secret);

    const bad = await post(cookie, "/environments/staging", "/environments/staging/webhooks", { url: "ftp://example.com" });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain("Receiver URL:");

    const deleted = await post(cookie, "/environments/staging", `/webhooks/${hooks[0]?.id}/delete`, {});
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get("location")).toBe("/environments/staging?done=webhook-deleted#webhooks");
    expect((await callApi("/v1/webhooks?environment=staging", { key: ws.adminKey })).body.data).toHaveLength(0);
  });

  it("shows a webhook's delivery log, and Redeliver queues an ended delivery again", { timeout: 30_000 }, async () => {
    const ws = await createWorkspace();
    const hook = await createWebhook(ws, "staging");
    const received = mockReceiver();
    const deliveryId = newId("webhookDelivery");
    const payload = JSON.stringify({ id: "evt_1", type: "release.created", created_at: new Date().toISOString(), workspace_id: ws.id, environment: "staging", data: {} });
    const attempts = JSON.stringify([{ at: new Date().toISOString(), status: 503, error: "HTTP 503", duration_ms: 12 }]);
    await env.DB.prepare(
      "INSERT INTO webhook_deliveries (id, workspace_id, webhook_id, event_id, event_type, payload, status, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, 'evt_1', 'release.created', ?, 'failed', ?, NULL, ?)",
    )
      .bind(deliveryId, ws.id, hook.id, payload, attempts, new Date().toISOString())
      .run();
    const cookie = await signIn(ws.adminKey);
    const page = await call(`/webhooks/${hook.id}`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.body).toMatch(new RegExp(`data-delivery="${deliveryId}" data-status="failed"`));
    expect(page.body).toContain(">503<");
    expect(page.body).toContain(`/webhooks/${hook.id}/deliveries/${deliveryId}/redeliver`);

    const redelivered = await post(cookie, `/webhooks/${hook.id}`, `/webhooks/${hook.id}/deliveries/${deliveryId}/redeliver`, {});
    expect(redelivered.status).toBe(303);
    expect(redelivered.headers.get("location")).toBe(`/webhooks/${hook.id}?done=redelivered`);
    await deliveriesWhere(ws.id, 1, "status = 'succeeded'");
    expect(received).toHaveLength(1);
    expect(received[0]?.headers.get("webhook-id")).toBe("evt_1");
    const after = await call(`/webhooks/${hook.id}`, { headers: { cookie } });
    expect(after.body).toMatch(new RegExp(`data-delivery="${deliveryId}" data-status="succeeded"`));
  });

  it("changes nothing on a post without the CSRF token", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws.adminKey);
    const before = await storageSnapshot();
    for (const path of ["/environments/production/policy", "/environments/production/secrets", "/environments/production/webhooks", "/environments"]) {
      const body = new URLSearchParams({ required_approvals: "3", key: "X", value: "y", url: "https://hooks.test/x", name: "qa" }).toString();
      const res = await call(path, { method: "POST", rawBody: body, headers: { ...FORM, cookie } });
      expect(res.status).toBe(403);
    }
    expect(await storageSnapshot()).toEqual(before);
  });

  it("answers a staging key the 404 page for production, its forms and its webhooks, and shows staging read-only", async () => {
    const ws = await createWorkspace();
    const prodHook = await createWebhook(ws, "production");
    const staging = await ws.key({ environment: "staging", scopes: ["read"], name: "staging reader" });
    const cookie = await signIn(staging.key);
    const list = await call("/environments", { headers: { cookie } });
    expect(list.status).toBe(200);
    expect(list.body).toContain('data-environment="staging"');
    expect(list.body).not.toMatch(/production|development/);
    expect(list.body).not.toContain('action="/environments"');
    for (const path of ["/environments/production", "/environments/nonexistent", `/webhooks/${prodHook.id}`]) {
      const res = await call(path, { headers: { cookie } });
      expect(res.status).toBe(404);
      expect(res.body).toContain("Not found");
    }
    const before = await storageSnapshot();
    const forged = await post(cookie, "/environments/staging", "/environments/production/policy", { required_approvals: "0" });
    expect(forged.status).toBe(404);
    const refused = await post(cookie, "/environments/staging", "/environments/staging/policy", { required_approvals: "5" });
    expect(refused.status).toBe(403);
    expect(await storageSnapshot()).toEqual(before);

    const own = await call("/environments/staging", { headers: { cookie } });
    expect(own.status).toBe(200);
    expect(own.body).not.toMatch(/<form method="post" action="\/environments\//);
    expect(own.body).toContain("Only an admin key of staging can see its secrets");
  });
});
