import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createWorkspace, expectProblem, storageSnapshot } from "../harness";

describe("environment secrets", () => {
  it("are write-only, encrypted at rest, listed by name, audited without their value", async () => {
    const ws = await createWorkspace();
    const value = "sk-live-very-secret-value";
    const set = await call("/v1/environments/staging/secrets/OPENAI_API_KEY", { method: "PUT", key: ws.adminKey, body: { value } });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({
      name: "OPENAI_API_KEY",
      allowed_hosts: [],
      created_at: expect.any(String),
      updated_at: expect.any(String),
      updated_by: expect.stringMatching(/^key_/),
    });

    const listed = await call("/v1/environments/staging/secrets", { key: ws.adminKey });
    expect(listed.body.data.map((s: { name: string }) => s.name)).toEqual(["OPENAI_API_KEY"]);
    expect((await call("/v1/environments/production/secrets", { key: ws.adminKey })).body.data).toEqual([]);

    const snapshot = JSON.stringify(await storageSnapshot());
    expect(snapshot).not.toContain(value);
    const row = await env.DB.prepare("SELECT ciphertext FROM environment_secrets WHERE name = 'OPENAI_API_KEY'").first<{ ciphertext: string }>();
    expect(row?.ciphertext).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
    const audit = await call("/v1/audit-events?action=secret.created", { key: ws.adminKey });
    expect(audit.body.data).toHaveLength(1);
    expect(JSON.stringify(audit.body)).not.toContain(value);

    await call("/v1/environments/staging/secrets/OPENAI_API_KEY", { method: "PUT", key: ws.adminKey, body: { value: "sk-rotated" } });
    expect((await call("/v1/audit-events?action=secret.updated", { key: ws.adminKey })).body.data).toHaveLength(1);
    expect((await call("/v1/environments/staging/secrets/OPENAI_API_KEY", { method: "DELETE", key: ws.adminKey })).status).toBe(200);
    expect((await call("/v1/environments/staging/secrets", { key: ws.adminKey })).body.data).toEqual([]);
    expectProblem(await call("/v1/environments/staging/secrets/OPENAI_API_KEY", { method: "DELETE", key: ws.adminKey }), 404);
  });

  it("another environment's admin cannot touch them; bad names are refused", async () => {
    const ws = await createWorkspace();
    const stagingAdmin = (await ws.key({ environment: "staging", scopes: ["admin"] })).key;
    const before = await storageSnapshot();
    expectProblem(await call("/v1/environments/production/secrets/OPENAI_API_KEY", { method: "PUT", key: stagingAdmin, body: { value: "x" } }), 404);
    expectProblem(await call("/v1/environments/staging/secrets/lower-case", { method: "PUT", key: stagingAdmin, body: { value: "x" } }), 400);
    expectProblem(await call("/v1/environments/staging/secrets/OK_NAME", { method: "PUT", key: stagingAdmin, body: { value: "" } }), 400);
    expect(await storageSnapshot()).toEqual(before);
    expect((await call("/v1/environments/staging/secrets/OK_NAME", { method: "PUT", key: stagingAdmin, body: { value: "x" } })).status).toBe(200);
  });
});
