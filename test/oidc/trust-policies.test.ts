import { env } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { openDatabase } from "../../src/db/client";
import { runHousekeeping } from "../../src/scheduled/housekeeping";
import { call, createWorkspace, expectProblem, storageSnapshot, type TestWorkspace } from "../harness";
import { type LocalIssuer, localIssuer, policyBody, serveLocalIssuers } from "./local-issuer";

let ws: TestWorkspace;
let issuer: LocalIssuer;

beforeAll(async () => {
  ws = await createWorkspace("Trust");
  issuer = await localIssuer();
});
beforeEach(() => serveLocalIssuers());
afterEach(() => vi.restoreAllMocks());

const paths = (problem: Record<string, unknown>) => (problem.errors as { path: string }[]).map((e) => e.path).sort();
const auditOf = async (id: string) => (await call(`/v1/audit-events?target_id=${id}`, { key: ws.adminKey })).body.data.map((e: { action: string }) => e.action);

describe("OIDC trust policies", () => {
  it("are created, read, listed, changed and deleted by a workspace admin, one audit event per change", async () => {
    const created = await call("/v1/oidc/trust-policies", { key: ws.adminKey, body: policyBody(issuer, { conditions: { repository: "acme/prompts", ref: "refs/heads/**" } }) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^otp_/),
      name: "deploy from main",
      issuer: issuer.url,
      conditions: { repository: "acme/prompts", ref: "refs/heads/**" },
      environment: "development",
      scopes: ["deploy", "read"],
      key_ttl_seconds: 900,
    });
    const id = created.body.id;
    expect((await call(`/v1/oidc/trust-policies/${id}`, { key: ws.adminKey })).body).toEqual(created.body);
    expect((await call("/v1/oidc/trust-policies", { key: ws.adminKey })).body.data.map((p: { id: string }) => p.id)).toContain(id);

    const changed = await call(`/v1/oidc/trust-policies/${id}`, { method: "PATCH", key: ws.adminKey, body: { environment: null, scopes: ["read"], key_ttl_seconds: 300 } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ environment: null, scopes: ["read"], key_ttl_seconds: 300, name: "deploy from main" });

    const deleted = await call(`/v1/oidc/trust-policies/${id}`, { method: "DELETE", key: ws.adminKey });
    expect(deleted.status).toBe(200);
    expectProblem(await call(`/v1/oidc/trust-policies/${id}`, { key: ws.adminKey }), 404, "NOT_FOUND");
    expect(await auditOf(id)).toEqual(["oidc_trust_policy.deleted", "oidc_trust_policy.updated", "oidc_trust_policy.created"]);
    // A deleted policy accepts nothing.
    expectProblem(await call("/v1/oidc/token", { body: { token: await issuer.sign() } }), 401, "OIDC_TOKEN_REJECTED");
  });

  it.each([
    ["no issuer", { issuer: undefined }, ["body.issuer"]],
    ["an issuer that is not a URL", { issuer: "token.actions.githubusercontent.com" }, ["body.issuer"]],
    ["an ftp issuer", { issuer: "ftp://issuer.test" }, ["body.issuer"]],
    ["no conditions", { conditions: {} }, ["body.conditions"]],
    ["a bad claim name", { conditions: { "a b": "x" } }, ["body.conditions.a b"]],
    ["an empty condition", { conditions: { repository: "" } }, ["body.conditions.repository"]],
    ["the admin scope", { scopes: ["deploy", "admin"] }, ["body.scopes[1]"]],
    ["no scopes", { scopes: [] }, ["body.scopes"]],
    ["a key lifetime over an hour", { key_ttl_seconds: 3601 }, ["body.key_ttl_seconds"]],
    ["an unknown field", { subject: "x" }, ["body.subject"]],
  ])("creating one with %s → 400 naming the field, nothing changed", async (_, overrides, expected) => {
    const before = await storageSnapshot();
    const res = await call("/v1/oidc/trust-policies", { key: ws.adminKey, body: policyBody(issuer, overrides) });
    expect(paths(expectProblem(res, 400, "VALIDATION_FAILED"))).toEqual(expected);
    expect(await storageSnapshot()).toEqual(before);
  });

  it("an unknown environment → 404 naming body.environment, nothing changed", async () => {
    const before = await storageSnapshot();
    const res = await call("/v1/oidc/trust-policies", { key: ws.adminKey, body: policyBody(issuer, { environment: "nowhere" }) });
    expect(paths(expectProblem(res, 404, "NOT_FOUND"))).toEqual(["body.environment"]);
    expect(await storageSnapshot()).toEqual(before);
  });

  it("a change naming no field, or clearing one that cannot be cleared → 400, nothing changed", async () => {
    const created = await call("/v1/oidc/trust-policies", { key: ws.adminKey, body: policyBody(issuer, { name: "to patch" }) });
    const before = await storageSnapshot();
    expectProblem(await call(`/v1/oidc/trust-policies/${created.body.id}`, { method: "PATCH", key: ws.adminKey, body: {} }), 400, "VALIDATION_FAILED");
    const cleared = await call(`/v1/oidc/trust-policies/${created.body.id}`, { method: "PATCH", key: ws.adminKey, body: { issuer: null, key_ttl_seconds: 0 } });
    expect(paths(expectProblem(cleared, 400, "VALIDATION_FAILED"))).toEqual(["body.issuer", "body.key_ttl_seconds"]);
    expect(await storageSnapshot()).toEqual(before);
  });

  it("environment keys get 403 whatever their scopes; other workspaces' admins get 404", async () => {
    const created = await call("/v1/oidc/trust-policies", { key: ws.adminKey, body: policyBody(issuer, { name: "hidden" }) });
    const envAdmin = await ws.key({ environment: "development", scopes: ["admin"] });
    expectProblem(await call("/v1/oidc/trust-policies", { key: envAdmin.key }), 403, "INSUFFICIENT_SCOPE");
    expectProblem(await call(`/v1/oidc/trust-policies/${created.body.id}`, { key: envAdmin.key }), 403, "INSUFFICIENT_SCOPE");
    const other = await createWorkspace("Other");
    expectProblem(await call(`/v1/oidc/trust-policies/${created.body.id}`, { key: other.adminKey }), 404, "NOT_FOUND");
    expect((await call("/v1/oidc/trust-policies", { key: other.adminKey })).body.data).toEqual([]);
  });
});

describe("housekeeping", () => {
  it("forgets exchanged tokens once they have expired, and only then", async () => {
    const own = await createWorkspace("Housekeeping");
    const local = await localIssuer();
    expect((await call("/v1/oidc/trust-policies", { key: own.adminKey, body: policyBody(local) })).status).toBe(201);
    expect((await call("/v1/oidc/token", { body: { token: await local.sign() } })).status).toBe(201);
    const count = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM oidc_used_tokens WHERE workspace_id = ?").bind(own.id).first<{ n: number }>())!.n;
    await runHousekeeping({ db: openDatabase(env.DB), now: () => new Date() });
    expect(await count()).toBe(1);
    const report = await runHousekeeping({ db: openDatabase(env.DB), now: () => new Date(Date.now() + 3_600_000) });
    expect(report.oidc_used_tokens).toBeGreaterThanOrEqual(1);
    expect(await count()).toBe(0);
  });
});
