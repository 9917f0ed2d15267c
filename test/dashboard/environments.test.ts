import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { edgeKeys } from "../../src/edge/keys";
import { newId } from "../../src/lib/ids";
import { utcDay } from "../../src/limits/utc-day";
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

async function limitsColumns(ws: TestWorkspace, name: string) {
  return env.DB.prepare("SELECT rate_limit_per_minute, key_rate_limit_per_minute, daily_budget_usd, egress_allowlist FROM environments WHERE workspace_id = ? AND name = ?")
    .bind(ws.id, name)
    .first<{ rate_limit_per_minute: number | null; key_rate_limit_per_minute: number | null; daily_budget_usd: number | null; egress_allowlist: string }>();
}

/** What the queue consumer writes once executions have cost something today. */
async function spendToday(ws: TestWorkspace, environment: string, spentUsd: number) {
  await env.DB.prepare("INSERT INTO environment_daily_spend (environment_id, day, workspace_id, spent_usd, updated_at) VALUES (?, ?, ?, ?, ?)")
    .bind(ws.environments[environment]?.id, utcDay(new Date()), ws.id, spentUsd, new Date().toISOString())
    .run();
}

/** The environment's entry the invoke path reads: its allowlist and secret bindings. */
async function edgeEnvironment(ws: TestWorkspace, environment: string) {
  return env.EDGE.get<{ egress_allowlist: string[]; secret_hosts: Record<string, string[]> }>(edgeKeys.environment(ws.environments[environment]?.id ?? ""), "json");
}

/** The control with `id` is marked invalid and described by its error, which says `message`. */
function expectFieldError(html: string, id: string, message: string) {
  expect(html).toMatch(new RegExp(`id="${id}"[^>]*aria-describedby="[^"]*${id}-error"[^>]*aria-invalid="true"`));
  expect(html).toMatch(new RegExp(`<span class="error" id="${id}-error">[^<]*${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
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
    expectFieldError(negative.body, "policy-approvals", "Too small");
    expect(negative.body).not.toContain('id="policy-pass-rate-error"');
    const rate = await post(cookie, "/environments/production", "/environments/production/policy", { test_gate: "on", min_pass_rate: "2" });
    expect(rate.status).toBe(400);
    expectFieldError(rate.body, "policy-pass-rate", "Too big");
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

  it("sets rate limits and a daily budget, shows today's spend, and says when invokes are refused for it", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws.adminKey);
    const limitsKey = edgeKeys.limits(ws.id, "staging");
    const saved = await post(cookie, "/environments/staging", "/environments/staging/limits", {
      rate_limit_per_minute: "120",
      key_rate_limit_per_minute: "10",
      daily_budget_usd: "5",
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe("/environments/staging?done=limits-saved");
    expect(await limitsColumns(ws, "staging")).toMatchObject({ rate_limit_per_minute: 120, key_rate_limit_per_minute: 10, daily_budget_usd: 5 });
    expect(await env.EDGE.get(limitsKey, "json")).toMatchObject({ rate_limit_per_minute: 120, key_rate_limit_per_minute: 10, daily_budget_usd: 5, exhausted: null });

    await spendToday(ws, "staging", 2.5);
    const open = await call("/environments/staging?done=limits-saved", { headers: { cookie } });
    expect(open.body).toContain("The rate limits and budget were saved.");
    expect(open.body).toMatch(/id="limits-environment-rate"[^>]*value="120"/);
    expect(open.body).toMatch(/id="limits-key-rate"[^>]*value="10"/);
    expect(open.body).toMatch(/id="limits-daily-budget"[^>]*value="5"/);
    expect(open.body).toContain('data-budget-state="open"');
    expect(open.body).toMatch(/Spent today \([0-9-]+, UTC\): <strong data-field="spent_today">\$2\.50<\/strong> of \$5\.00/);
    expect(open.body).toContain("Invocations are served.");

    // A budget below today's spend: the invoke path's entry says the day is spent, and so does the page.
    const lowered = await post(cookie, "/environments/staging", "/environments/staging/limits", {
      rate_limit_per_minute: "120",
      key_rate_limit_per_minute: "10",
      daily_budget_usd: "2",
    });
    expect(lowered.status).toBe(303);
    expect((await env.EDGE.get<{ exhausted: unknown }>(limitsKey, "json"))?.exhausted).toEqual({ day: utcDay(new Date()), spent_usd: 2.5, budget_usd: 2 });
    const exhausted = await call("/environments/staging", { headers: { cookie } });
    expect(exhausted.body).toContain('data-budget-state="exhausted"');
    expect(exhausted.body).toContain("$2.50</strong> of $2.00");
    expect(exhausted.body).toContain("Invocations are refused (429 BUDGET_EXHAUSTED) until");

    const before = await storageSnapshot();
    const zero = await post(cookie, "/environments/staging", "/environments/staging/limits", {
      rate_limit_per_minute: "0",
      key_rate_limit_per_minute: "10",
      daily_budget_usd: "2",
    });
    expect(zero.status).toBe(400);
    expect(zero.body).toContain("Environment rate limit:");
    expectFieldError(zero.body, "limits-environment-rate", "Too small");
    // The refused value stays in the field to correct; the other fields show no error.
    expect(zero.body).toMatch(/id="limits-environment-rate"[^>]*value="0"/);
    expect(zero.body).not.toContain('id="limits-daily-budget-error"');
    const words = await post(cookie, "/environments/staging", "/environments/staging/limits", {
      rate_limit_per_minute: "",
      key_rate_limit_per_minute: "lots",
      daily_budget_usd: "-1",
    });
    expect(words.status).toBe(400);
    expect(words.body).toContain("Rate limit per API key:");
    expect(words.body).toContain("Daily budget:");
    expectFieldError(words.body, "limits-key-rate", "expected number");
    expectFieldError(words.body, "limits-daily-budget", "Too small");
    const fraction = await post(cookie, "/environments/staging", "/environments/staging/limits", { rate_limit_per_minute: "1.5" });
    expect(fraction.status).toBe(400);
    expectFieldError(fraction.body, "limits-environment-rate", "expected int");
    expect(await storageSnapshot()).toEqual(before);

    const cleared = await post(cookie, "/environments/staging", "/environments/staging/limits", { rate_limit_per_minute: "", key_rate_limit_per_minute: "", daily_budget_usd: "" });
    expect(cleared.status).toBe(303);
    expect(await limitsColumns(ws, "staging")).toMatchObject({ rate_limit_per_minute: null, key_rate_limit_per_minute: null, daily_budget_usd: null });
    expect(await env.EDGE.get(limitsKey)).toBeNull();
    const unlimited = await call("/environments/staging", { headers: { cookie } });
    expect(unlimited.body).toContain("No daily budget is set");
    expect(unlimited.body).not.toContain("data-budget-state");
  });

  it("saves the egress allowlist one host a line, and refuses a URL naming the entry while changing nothing", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws.adminKey);
    const saved = await post(cookie, "/environments/production", "/environments/production/egress", {
      egress_allowlist: "api.openai.com\r\n*.Example.com, API.openai.com\r\n\r\n",
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe("/environments/production?done=egress-saved");
    expect(JSON.parse((await limitsColumns(ws, "production"))?.egress_allowlist ?? "null")).toEqual(["api.openai.com", "*.example.com"]);
    expect((await edgeEnvironment(ws, "production"))?.egress_allowlist).toEqual(["api.openai.com", "*.example.com"]);
    const page = await call("/environments/production?done=egress-saved", { headers: { cookie } });
    expect(page.body).toContain("The egress allowlist was saved.");
    expect(page.body).toMatch(/<textarea id="egress-allowlist" name="egress_allowlist"[^>]*>api\.openai\.com\n\*\.example\.com<\/textarea>/);

    const before = await storageSnapshot();
    const url = await post(cookie, "/environments/production", "/environments/production/egress", { egress_allowlist: "api.openai.com\nhttps://evil.test/x" });
    expect(url.status).toBe(400);
    expect(url.body).toContain("Allowlisted hosts: &quot;https://evil.test/x&quot;: A host name");
    expectFieldError(url.body, "egress-allowlist", "&quot;https://evil.test/x&quot;: A host name");
    expect(url.body).toMatch(/<textarea id="egress-allowlist"[^>]*>api\.openai\.com\nhttps:\/\/evil\.test\/x<\/textarea>/);
    expect(await storageSnapshot()).toEqual(before);

    const emptied = await post(cookie, "/environments/production", "/environments/production/egress", { egress_allowlist: "" });
    expect(emptied.status).toBe(303);
    expect(JSON.parse((await limitsColumns(ws, "production"))?.egress_allowlist ?? "null")).toEqual([]);
    expect((await edgeEnvironment(ws, "production"))?.egress_allowlist).toEqual([]);
  });

  it("binds a secret to hosts, keeps the binding when only the value changes, removes it on request, and lists the hosts", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws.adminKey);
    const value = "sk-test-bound-secret-value-0987654321";
    const hostsOf = async () =>
      JSON.parse(
        (await env.DB.prepare("SELECT allowed_hosts FROM environment_secrets WHERE workspace_id = ? AND name = 'OPENAI_API_KEY'").bind(ws.id).first<string>("allowed_hosts")) ??
          "null",
      );
    const bound = await post(cookie, "/environments/staging", "/environments/staging/secrets", {
      key: "OPENAI_API_KEY",
      value,
      allowed_hosts: "api.openai.com\n*.openai.azure.com",
    });
    expect(bound.status).toBe(303);
    expect(await hostsOf()).toEqual(["api.openai.com", "*.openai.azure.com"]);
    expect((await edgeEnvironment(ws, "staging"))?.secret_hosts).toEqual({ OPENAI_API_KEY: ["api.openai.com", "*.openai.azure.com"] });
    const page = await call("/environments/staging", { headers: { cookie } });
    expect(page.body).toMatch(
      /data-secret="OPENAI_API_KEY"[\s\S]*?<ul class="env-links" data-field="allowed_hosts"><li><code>api\.openai\.com<\/code><\/li><li><code>\*\.openai\.azure\.com<\/code><\/li><\/ul>/,
    );
    expect(page.body).not.toContain(value);

    const rotated = await post(cookie, "/environments/staging", "/environments/staging/secrets", { key: "OPENAI_API_KEY", value: `${value}-rotated`, allowed_hosts: "" });
    expect(rotated.status).toBe(303);
    expect(await hostsOf()).toEqual(["api.openai.com", "*.openai.azure.com"]);

    const before = await storageSnapshot();
    const badHost = await post(cookie, "/environments/staging", "/environments/staging/secrets", { key: "OPENAI_API_KEY", value, allowed_hosts: "api.openai.com/v1" });
    expect(badHost.status).toBe(400);
    expect(badHost.body).toContain("Allowed hosts: &quot;api.openai.com/v1&quot;: A host name");
    expectFieldError(badHost.body, "secret-hosts", "A host name");
    expect(badHost.body).toMatch(/id="secret-name"[^>]*value="OPENAI_API_KEY"/);
    expect(badHost.body).not.toContain(value);
    const both = await post(cookie, "/environments/staging", "/environments/staging/secrets", {
      key: "OPENAI_API_KEY",
      value,
      allowed_hosts: "api.openai.com",
      unbind_hosts: "on",
    });
    expect(both.status).toBe(400);
    expectFieldError(both.body, "secret-hosts", "Leave this empty to remove the binding");
    expect(both.body).not.toContain(value);
    expect(await storageSnapshot()).toEqual(before);

    const unbound = await post(cookie, "/environments/staging", "/environments/staging/secrets", { key: "OPENAI_API_KEY", value, unbind_hosts: "on" });
    expect(unbound.status).toBe(303);
    expect(await hostsOf()).toEqual([]);
    expect((await edgeEnvironment(ws, "staging"))?.secret_hosts).toEqual({});
    const after = await call("/environments/staging", { headers: { cookie } });
    expect(after.body).toMatch(/data-secret="OPENAI_API_KEY"[\s\S]*?any host the egress allowlist allows/);
  });

  it("changes nothing on a post without the CSRF token", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws.adminKey);
    const before = await storageSnapshot();
    for (const path of [
      "/environments/production/policy",
      "/environments/production/limits",
      "/environments/production/egress",
      "/environments/production/secrets",
      "/environments/production/webhooks",
      "/environments",
    ]) {
      const body = new URLSearchParams({
        required_approvals: "3",
        daily_budget_usd: "1",
        egress_allowlist: "evil.test",
        key: "X",
        value: "y",
        url: "https://hooks.test/x",
        name: "qa",
      }).toString();
      const res = await call(path, { method: "POST", rawBody: body, headers: { ...FORM, cookie } });
      expect(res.status).toBe(403);
    }
    expect(await storageSnapshot()).toEqual(before);
  });

  it("answers a staging key the 404 page for production, its forms and its webhooks, and shows staging read-only", async () => {
    const ws = await createWorkspace();
    const prodHook = await createWebhook(ws, "production");
    await callApi("/v1/environments/staging", {
      method: "PATCH",
      key: ws.adminKey,
      body: { egress_allowlist: ["api.openai.com"], key_rate_limit_per_minute: 30, daily_budget_usd: 12.5 },
    });
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
    const forgedLimits = await post(cookie, "/environments/staging", "/environments/production/limits", { daily_budget_usd: "0" });
    expect(forgedLimits.status).toBe(404);
    const refused = await post(cookie, "/environments/staging", "/environments/staging/policy", { required_approvals: "5" });
    expect(refused.status).toBe(403);
    const refusedEgress = await post(cookie, "/environments/staging", "/environments/staging/egress", { egress_allowlist: "" });
    expect(refusedEgress.status).toBe(403);
    expect(await storageSnapshot()).toEqual(before);

    const own = await call("/environments/staging", { headers: { cookie } });
    expect(own.status).toBe(200);
    expect(own.body).not.toMatch(/<form method="post" action="\/environments\//);
    expect(own.body).toContain("Only an admin key of staging can see its secrets");
    expect(own.body).toContain('<ul data-field="egress_allowlist"><li><code>api.openai.com</code></li></ul>');
    expect(own.body).toContain('<dd data-field="rate_limit_per_minute">no limit</dd>');
    expect(own.body).toContain('<dd data-field="key_rate_limit_per_minute">30 a minute</dd>');
    expect(own.body).toContain('<dd data-field="daily_budget_usd">$12.50</dd>');
    expect(own.body).toContain("$0</strong> of $12.50");
  });
});
