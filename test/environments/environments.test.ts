import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { call, createWorkspace, expectProblem, storageSnapshot } from "../harness";
import { createSandbox, deploy } from "../lifecycle/fixtures";

describe("environments", () => {
  it("a new workspace has development, staging and a protected production", async () => {
    const ws = await createWorkspace();
    const res = await call("/v1/environments", { key: ws.adminKey });
    expect(res.status).toBe(200);
    expect(res.body.next_cursor).toBeNull();
    const byName = Object.fromEntries(res.body.data.map((e: { name: string }) => [e.name, e]));
    expect(Object.keys(byName).sort()).toEqual(["development", "production", "staging"]);
    expect(byName.production).toMatchObject({ protected: true, required_approvals: 0, variables: {} });
    expect(byName.staging).toMatchObject({ protected: false });
  });

  it("creates, reads and updates an environment with its settings", async () => {
    const ws = await createWorkspace();
    const created = await call("/v1/environments", {
      key: ws.adminKey,
      body: { name: "eu-prod", label: "EU production", protected: true, required_approvals: 2, variables: { region: "eu" } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "eu-prod", label: "EU production", protected: true, required_approvals: 2, variables: { region: "eu" } });
    expect(created.body.id).toMatch(/^env_/);

    const patched = await call("/v1/environments/eu-prod", { method: "PATCH", key: ws.adminKey, body: { required_approvals: 1, variables: { region: "eu-west" } } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ label: "EU production", required_approvals: 1, variables: { region: "eu-west" } });

    const row = await env.DB.prepare("SELECT required_approvals, variables FROM environments WHERE id = ?").bind(created.body.id).first();
    expect(row).toEqual({ required_approvals: 1, variables: '{"region":"eu-west"}' });
    expect((await call("/v1/environments/eu-prod", { key: ws.adminKey })).body).toEqual(patched.body);
  });

  it("null in a PATCH clears a setting that has an empty value, and is refused, saying so, where there is none", async () => {
    const ws = await createWorkspace();
    const qa = await call("/v1/environments", {
      key: ws.adminKey,
      body: {
        name: "qa",
        description: "For testers",
        required_approvals: 2,
        variables: { region: "eu" },
        model_prices: { "openai/gpt-4o-mini": { input_per_million: 0.15, output_per_million: 0.6 } },
        test_gate: { min_pass_rate: 0.9 },
        freeze_windows: [{ starts_at: "2030-01-01T00:00:00Z", ends_at: "2030-01-02T00:00:00Z" }],
        retention_days: 30,
      },
    });
    expect(qa.status).toBe(201);

    const before = await storageSnapshot();
    for (const [field, hint] of [
      ["label", "send a new label"],
      ["protected", "send true or false"],
    ] as const) {
      const refused = await call("/v1/environments/qa", { method: "PATCH", key: ws.adminKey, body: { [field]: null } });
      expect(expectProblem(refused, 400, "VALIDATION_FAILED").errors).toEqual([{ path: `body.${field}`, message: `Cannot be cleared; ${hint}` }]);
    }
    expect(await storageSnapshot()).toEqual(before);

    const cleared = await call("/v1/environments/qa", {
      method: "PATCH",
      key: ws.adminKey,
      body: { description: null, required_approvals: null, variables: null, model_prices: null, test_gate: null, freeze_windows: null, retention_days: null },
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({
      label: "Qa",
      description: "",
      required_approvals: 0,
      variables: {},
      model_prices: {},
      test_gate: null,
      freeze_windows: [],
      retention_days: null,
    });
    expect((await call("/v1/environments/qa", { key: ws.adminKey })).body).toEqual(cleared.body);
    const row = await env.DB.prepare("SELECT description, required_approvals, variables, model_prices, test_gate, freeze_windows, retention_days FROM environments WHERE id = ?")
      .bind(qa.body.id)
      .first();
    expect(row).toEqual({ description: "", required_approvals: 0, variables: "{}", model_prices: "{}", test_gate: null, freeze_windows: "[]", retention_days: null });
  });

  it("a duplicate name is a 409 and changes nothing", async () => {
    const ws = await createWorkspace();
    const before = await storageSnapshot();
    expectProblem(await call("/v1/environments", { key: ws.adminKey, body: { name: "staging" } }), 409, "ENVIRONMENT_NAME_TAKEN");
    expect(await storageSnapshot()).toEqual(before);
  });

  it("the same name may exist in two workspaces", async () => {
    const a = await createWorkspace();
    const b = await createWorkspace();
    expect((await call("/v1/environments", { key: a.adminKey, body: { name: "qa" } })).status).toBe(201);
    expect((await call("/v1/environments", { key: b.adminKey, body: { name: "qa" } })).status).toBe(201);
  });

  it("concurrent creates of one name: exactly one wins", async () => {
    const ws = await createWorkspace();
    const results = await Promise.all(Array.from({ length: 5 }, () => call("/v1/environments", { key: ws.adminKey, body: { name: "race" } })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM environments WHERE workspace_id = ? AND name = 'race'").bind(ws.id).first<{ n: number }>();
    expect(rows?.n).toBe(1);
  });

  it("an environment key sees only its own environment", async () => {
    const ws = await createWorkspace();
    const k = await ws.key({ environment: "staging", scopes: ["read"] });
    const list = await call("/v1/environments", { key: k.key });
    expect(list.body.data.map((e: { name: string }) => e.name)).toEqual(["staging"]);
    expectProblem(await call("/v1/environments/production", { key: k.key }), 404, "NOT_FOUND");
  });

  it("lists page by page", async () => {
    const ws = await createWorkspace();
    const first = await call("/v1/environments?limit=2", { key: ws.adminKey });
    expect(first.body.data).toHaveLength(2);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await call(`/v1/environments?limit=2&cursor=${first.body.next_cursor}`, { key: ws.adminKey });
    expect(second.body.data).toHaveLength(1);
    expect(second.body.next_cursor).toBeNull();
    const names = [...first.body.data, ...second.body.data].map((e: { name: string }) => e.name).sort();
    expect(names).toEqual(["development", "production", "staging"]);
  });

  it("deleting an environment removes it and its keys; the keys stop working at once", async () => {
    const ws = await createWorkspace();
    await call("/v1/environments", { key: ws.adminKey, body: { name: "temp" } });
    const k = await ws.key({ environment: "temp", scopes: ["read"] });
    expect((await call("/v1/environments/temp", { key: k.key })).status).toBe(200);

    const deleted = await call("/v1/environments/temp", { method: "DELETE", key: ws.adminKey });
    expect(deleted.status).toBe(200);
    expect(deleted.body.name).toBe("temp");
    expectProblem(await call("/v1/environments/temp", { key: ws.adminKey }), 404);
    expectProblem(await call("/v1/environments/temp", { key: k.key }), 401);
    expect(await env.DB.prepare("SELECT id FROM api_keys WHERE id = ?").bind(k.id).first()).toBeNull();
    expect(await env.EDGE.get(`api-key:${await sha256Hex(k.key)}`)).toBeNull();
  });

  it("deleting an environment that still has releases is a 409 and changes nothing", async () => {
    const ws = await createWorkspace();
    const sandbox = await createSandbox(ws);
    expect((await deploy(ws, sandbox.id, ["staging"])).status).toBe(201);
    const before = await storageSnapshot();
    expectProblem(await call("/v1/environments/staging", { method: "DELETE", key: ws.adminKey }), 409, "ENVIRONMENT_HAS_RELEASES");
    expect(await storageSnapshot()).toEqual(before);
  });
});
