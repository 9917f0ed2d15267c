import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createWorkspace, expectProblem, TAMPERED_WORKSPACE_NAME } from "../harness";

async function busyWorkspace(name?: string) {
  const ws = await createWorkspace(name);
  await call("/v1/environments", { key: ws.adminKey, body: { name: "qa", variables: { tier: "gold" } } });
  await call("/v1/environments/qa", { method: "PATCH", key: ws.adminKey, body: { label: "QA" } });
  const k = await ws.key({ environment: "qa", scopes: ["read"] });
  await call(`/v1/api-keys/${k.id}/rotate`, { method: "POST", key: ws.adminKey });
  await call(`/v1/api-keys/${k.id}`, { method: "DELETE", key: ws.adminKey });
  await call("/v1/environments/qa", { method: "DELETE", key: ws.adminKey });
  return { ws, keyId: k.id };
}

describe("audit events", () => {
  it("every change is one event, newest first, with who, what, before and after", async () => {
    const { ws, keyId } = await busyWorkspace();
    const res = await call("/v1/audit-events?limit=100", { key: ws.adminKey });
    expect(res.status).toBe(200);
    expect(res.body.data.map((e: { action: string }) => e.action)).toEqual([
      "environment.deleted",
      "api_key.revoked",
      "api_key.rotated",
      "api_key.created",
      "environment.updated",
      "environment.created",
      "workspace.created",
    ]);
    const updated = res.body.data.find((e: { action: string }) => e.action === "environment.updated");
    expect(updated.before.label).toBe("Qa");
    expect(updated.after.label).toBe("QA");
    expect(updated.actor).toEqual({ type: "api_key", id: expect.stringMatching(/^key_/) });
    const revoked = res.body.data.find((e: { action: string }) => e.action === "api_key.revoked");
    expect(revoked.target).toEqual({ type: "api_key", id: keyId });
    expect(revoked.before.revoked_at).toBeNull();
    expect(revoked.after.revoked_at).toEqual(expect.any(String));
    const first = res.body.data.at(-1);
    expect(first.actor).toEqual({ type: "bootstrap", id: null });
  });

  it("events never contain a secret", async () => {
    const ws = await createWorkspace();
    const created = await call("/v1/api-keys", { key: ws.adminKey, body: { name: "s", environment: "staging", scopes: ["read"] } });
    const rotated = await call(`/v1/api-keys/${created.body.id}/rotate`, { method: "POST", key: ws.adminKey });
    const { results } = await env.DB.prepare("SELECT before, after FROM audit_events WHERE workspace_id = ?").bind(ws.id).all();
    const stored = JSON.stringify(results);
    for (const secret of [ws.adminKey, created.body.key, rotated.body.key]) expect(stored).not.toContain(secret);
    expect(stored).not.toContain("key_hash");
  });

  it("the chain verifies after a run of changes, including concurrent ones", async () => {
    const { ws } = await busyWorkspace();
    await Promise.all(Array.from({ length: 8 }, (_, i) => call("/v1/environments", { key: ws.adminKey, body: { name: `env-${i}` } })));
    const verdict = await call("/v1/audit-events/verify", { key: ws.adminKey });
    expect(verdict.status).toBe(200);
    expect(verdict.body).toEqual({ valid: true, events: 15 });
  });

  it("verification names the first altered event", async () => {
    const { ws } = await busyWorkspace(TAMPERED_WORKSPACE_NAME);
    const { results } = await env.DB.prepare("SELECT id, seq FROM audit_events WHERE workspace_id = ? ORDER BY seq").bind(ws.id).all<{ id: string }>();
    const victim = results[2]!;
    await env.DB.prepare("UPDATE audit_events SET after = json_set(after, '$.label', 'forged') WHERE id = ?").bind(victim.id).run();
    const verdict = await call("/v1/audit-events/verify", { key: ws.adminKey });
    expect(verdict.body).toMatchObject({ valid: false, first_invalid_event_id: victim.id, reason: expect.stringContaining("altered") });
  });

  it("verification notices a deleted event", async () => {
    const { ws } = await busyWorkspace(TAMPERED_WORKSPACE_NAME);
    const { results } = await env.DB.prepare("SELECT id FROM audit_events WHERE workspace_id = ? ORDER BY seq").bind(ws.id).all<{ id: string }>();
    await env.DB.prepare("DELETE FROM audit_events WHERE id = ?").bind(results[3]!.id).run();
    const verdict = await call("/v1/audit-events/verify", { key: ws.adminKey });
    expect(verdict.body).toMatchObject({ valid: false, first_invalid_event_id: results[4]!.id, reason: expect.stringContaining("missing") });
  });

  it("chains of two workspaces are independent", async () => {
    const a = await busyWorkspace();
    const b = await createWorkspace();
    expect((await call("/v1/audit-events/verify", { key: b.adminKey })).body).toEqual({ valid: true, events: 1 });
    expect((await call("/v1/audit-events/verify", { key: a.ws.adminKey })).body).toEqual({ valid: true, events: 7 });
  });

  it("an environment admin sees its environment's events only", async () => {
    const ws = await createWorkspace();
    await ws.key({ environment: "production", scopes: ["read"] });
    const stagingAdmin = await ws.key({ environment: "staging", scopes: ["admin"] });
    const res = await call("/v1/audit-events", { key: stagingAdmin.key });
    expect(res.status).toBe(200);
    expect(res.body.data.length).toBe(1);
    expect(res.body.data[0].environment_id).toBe(ws.environments.staging!.id);
    expectProblem(await call("/v1/audit-events/verify", { key: stagingAdmin.key }), 403, "INSUFFICIENT_SCOPE");
  });

  it("filters by action and pages newest first", async () => {
    const { ws } = await busyWorkspace();
    const filtered = await call("/v1/audit-events?action=api_key.rotated", { key: ws.adminKey });
    expect(filtered.body.data.map((e: { action: string }) => e.action)).toEqual(["api_key.rotated"]);
    const page1 = await call("/v1/audit-events?limit=4", { key: ws.adminKey });
    const page2 = await call(`/v1/audit-events?limit=4&cursor=${page1.body.next_cursor}`, { key: ws.adminKey });
    const seqs = [...page1.body.data, ...page2.body.data].map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(page2.body.next_cursor).toBeNull();
  });
});
