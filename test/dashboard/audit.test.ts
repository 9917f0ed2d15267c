import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call as callApi, createWorkspace, storageSnapshot, TAMPERED_WORKSPACE_NAME } from "../harness";
import { call, FORM, signIn } from "./browser-session";

const actionsOf = (html: string) => [...html.matchAll(/data-action="([a-z_.]+)"/g)].map((m) => m[1]);

describe("dashboard audit log", () => {
  it("lists events newest first with before and after, and the chain verified on top", async () => {
    const ws = await createWorkspace();
    expect((await callApi("/v1/environments/production", { method: "PATCH", key: ws.adminKey, body: { required_approvals: 2 } })).status).toBe(200);
    const cookie = await signIn(ws.adminKey);
    const page = await call("/audit", { headers: { cookie } });
    expect(page.status).toBe(200);
    const verdict = (await callApi("/v1/audit-events/verify", { key: ws.adminKey })).body as { valid: boolean; events: number };
    expect(verdict.valid).toBe(true);
    expect(page.body).toContain(`Chain verified: ${verdict.events} events`);
    const actions = actionsOf(page.body);
    expect(actions[0]).toBe("environment.updated");
    expect(actions.at(-1)).toBe("workspace.created");
    expect(page.body).toMatch(/<details>\s*<summary>Before and after<\/summary>/);
    expect(page.body).toContain("&quot;required_approvals&quot;: 2");
  });

  it("filters by action, environment and target as GET /v1/audit-events does, and pages with the cursor", { timeout: 30_000 }, async () => {
    const ws = await createWorkspace();
    for (const n of [1, 2, 3]) expect((await callApi("/v1/environments/staging", { method: "PATCH", key: ws.adminKey, body: { required_approvals: n } })).status).toBe(200);
    expect((await callApi("/v1/environments/production", { method: "PATCH", key: ws.adminKey, body: { required_approvals: 1 } })).status).toBe(200);
    const cookie = await signIn(ws.adminKey);

    const updated = await call("/audit?action=environment.updated", { headers: { cookie } });
    expect(actionsOf(updated.body)).toEqual(["environment.updated", "environment.updated", "environment.updated", "environment.updated"]);
    expect(updated.body).toMatch(/<option value="environment.updated" selected/);

    const staging = await call("/audit?action=environment.updated&environment=staging", { headers: { cookie } });
    expect(actionsOf(staging.body)).toHaveLength(3);
    const target = await call(`/audit?target_id=${ws.environments.production?.id}&action=environment.updated`, { headers: { cookie } });
    expect(actionsOf(target.body)).toHaveLength(1);

    for (let n = 0; n < 50; n++) expect((await callApi("/v1/environments/development", { method: "PATCH", key: ws.adminKey, body: { description: `v${n}` } })).status).toBe(200);
    const api = await callApi("/v1/audit-events?limit=100", { key: ws.adminKey });
    const total = (api.body.data as unknown[]).length;
    expect(total).toBeGreaterThan(50);
    const first = await call("/audit", { headers: { cookie } });
    expect(actionsOf(first.body)).toHaveLength(50);
    const older = /href="(\/audit\?cursor=[^"]+)"/.exec(first.body)?.[1]?.replace(/&amp;/g, "&");
    expect(older).toBeTruthy();
    const second = await call(older as string, { headers: { cookie } });
    expect(actionsOf(second.body)).toHaveLength(total - 50);

    const unknown = await call("/audit?action=nothing.happened", { headers: { cookie } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toContain("Action: not an action");
  });

  it("shows where the chain breaks", async () => {
    const ws = await createWorkspace(TAMPERED_WORKSPACE_NAME);
    const event = await env.DB.prepare("SELECT id FROM audit_events WHERE workspace_id = ? ORDER BY seq LIMIT 1").bind(ws.id).first<{ id: string }>();
    await env.DB.prepare("UPDATE audit_events SET action = 'environment.deleted' WHERE id = ?").bind(event?.id).run();
    const cookie = await signIn(ws.adminKey);
    const page = await call("/audit", { headers: { cookie } });
    expect(page.body).toContain(`Chain broken at event ${event?.id}: hash does not match`);
  });

  it("shows an environment admin its environment's events without the workspace chain, and 404 for another environment", async () => {
    const ws = await createWorkspace();
    expect((await callApi("/v1/environments/production", { method: "PATCH", key: ws.adminKey, body: { required_approvals: 2 } })).status).toBe(200);
    expect((await callApi("/v1/environments/staging", { method: "PATCH", key: ws.adminKey, body: { required_approvals: 1 } })).status).toBe(200);
    const stagingAdmin = await ws.key({ environment: "staging", scopes: ["admin"], name: "staging admin" });
    const cookie = await signIn(stagingAdmin.key);
    const page = await call("/audit", { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.body).not.toContain("Chain verified");
    expect(page.body).toContain("Only a workspace admin key can verify");
    expect(page.body).not.toContain(ws.environments.production?.id);
    expect(actionsOf(page.body)).toContain("environment.updated");
    expect((await call("/audit?environment=production", { headers: { cookie } })).status).toBe(404);

    const reader = await ws.key({ scopes: ["read"], name: "reader" });
    const readerPage = await call("/audit", { headers: { cookie: await signIn(reader.key) } });
    expect(readerPage.status).toBe(403);
    expect(actionsOf(readerPage.body)).toEqual([]);
  });

  it("is read-only: a post to it changes nothing", async () => {
    const ws = await createWorkspace();
    const cookie = await signIn(ws.adminKey);
    const before = await storageSnapshot();
    const res = await call("/audit", { method: "POST", rawBody: "action=x", headers: { ...FORM, cookie } });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await storageSnapshot()).toEqual(before);
  });
});
