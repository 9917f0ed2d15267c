import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { openDatabase } from "../../src/db/client";
import { settlePromotions } from "../../src/releases/settle-promotions";
import { call, createWorkspace, expectProblem, storageSnapshot } from "../harness";
import { deploy, deployedWorkspace } from "../lifecycle/fixtures";

const hour = 3_600_000;
const windowAround = (now: number, reason = "Holidays") => ({
  starts_at: new Date(now - hour).toISOString(),
  ends_at: new Date(now + hour).toISOString(),
  reason,
});

const settle = (workspaceId: string) =>
  settlePromotions({ db: openDatabase(env.DB), coordinators: env.DEPLOYMENT_COORDINATOR, requestId: "scheduled", now: () => new Date(), config: loadConfig(env) }, { workspaceId });

function setPolicy(adminKey: string, environment: string, body: Record<string, unknown>) {
  return call(`/v1/environments/${environment}`, { method: "PATCH", key: adminKey, body });
}

describe("environment policy", () => {
  it("is shown on the environment and validated: windows in order, a pass rate from 0 to 1, a known choice for untested deployments", async () => {
    const ws = await createWorkspace();
    const window = windowAround(Date.now());
    const set = await setPolicy(ws.adminKey, "production", { freeze_windows: [window] });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ freeze_windows: [window], test_gate: null });

    const stagingAdmin = (await ws.key({ environment: "staging", scopes: ["admin"] })).key;
    const before = await storageSnapshot();
    const reversed = await setPolicy(ws.adminKey, "production", { freeze_windows: [{ starts_at: window.ends_at, ends_at: window.starts_at }] });
    expect(expectProblem(reversed, 400, "VALIDATION_FAILED").errors).toEqual([expect.objectContaining({ path: "body.freeze_windows[0].ends_at" })]);
    const rate = await setPolicy(ws.adminKey, "production", { test_gate: { min_pass_rate: 1.5 } });
    expect(expectProblem(rate, 400, "VALIDATION_FAILED").errors).toEqual([expect.objectContaining({ path: "body.test_gate.min_pass_rate" })]);
    const untested = await setPolicy(ws.adminKey, "production", { test_gate: { untested: "sometimes" } });
    expect(expectProblem(untested, 400, "VALIDATION_FAILED").errors).toEqual([expect.objectContaining({ path: "body.test_gate.untested" })]);
    const oldField = await setPolicy(ws.adminKey, "production", { required_test_suite: "ts_1" });
    expect(expectProblem(oldField, 400, "VALIDATION_FAILED").errors).toEqual([expect.objectContaining({ path: "body.required_test_suite", message: "Unknown field" })]);
    expectProblem(await setPolicy(stagingAdmin, "staging", { freeze_windows: [] }), 403, "INSUFFICIENT_SCOPE");
    expect(await storageSnapshot()).toEqual(before);

    const cleared = await setPolicy(ws.adminKey, "production", { freeze_windows: [] });
    expect(cleared.body.freeze_windows).toEqual([]);
  });

  it("a test gate is cleared with null, pass rate and all, and the environment then takes deploys again", async () => {
    const ws = await createWorkspace();
    const { sandbox } = await deployedWorkspace(ws);
    const gated = await setPolicy(ws.adminKey, "production", { protected: false, test_gate: { min_pass_rate: 0.8 } });
    expect(gated.body.test_gate).toEqual({ min_pass_rate: 0.8, untested: "refuse" });
    expect(expectProblem(await deploy(ws, sandbox.id, ["production"]), 409, "ENVIRONMENT_PROTECTED").detail).toContain("production gates its promotions");

    // A gate sent again replaces the whole gate: what it leaves out takes its default.
    const replaced = await setPolicy(ws.adminKey, "production", { test_gate: { untested: "allow" } });
    expect(replaced.body.test_gate).toEqual({ min_pass_rate: 1, untested: "allow" });

    const cleared = await setPolicy(ws.adminKey, "production", { test_gate: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.test_gate).toBeNull();
    const row = await env.DB.prepare("SELECT test_gate FROM environments WHERE id = ?").bind(ws.environments.production!.id).first("test_gate");
    expect(row).toBeNull();
    expect((await call("/v1/audit-events?action=environment.updated", { key: ws.adminKey })).body.data).toHaveLength(3);
    expect((await deploy(ws, sandbox.id, ["production"])).status).toBe(201);
  });

  it("a freeze window refuses promotions, deploys and tag moves into the environment for every key, admin included; reverts still land", async () => {
    const ws = await createWorkspace();
    await setPolicy(ws.adminKey, "production", { protected: false });
    const { sandbox, deployment, releases } = await deployedWorkspace(ws);
    const staging = releases.find((r) => r.environment === "staging")!;
    const first = await call(`/v1/releases/${staging.id}/promote`, { key: ws.adminKey, body: { environments: ["production"] } });
    expect(first.status).toBe(201);
    const second = await deploy(ws, sandbox.id, ["production"]);
    expect(second.status).toBe(201);

    await setPolicy(ws.adminKey, "production", { freeze_windows: [windowAround(Date.now(), "Black Friday")] });
    const ci = (await ws.key({ environment: null, scopes: ["read", "deploy", "promote"] })).key;
    const before = await storageSnapshot();
    for (const key of [ws.adminKey, ci]) {
      const promoted = await call(`/v1/releases/${staging.id}/promote`, { key, body: { environments: ["production"] } });
      expect(expectProblem(promoted, 409, "CHANGE_FREEZE").detail).toMatch(/production is frozen until .*Black Friday/);
      expectProblem(await deploy(ws, sandbox.id, ["staging", "production"], {}, key), 409, "CHANGE_FREEZE");
    }
    const moved = await call(`/v1/deployments/${deployment.id}/release-tags/stable?environment=production`, {
      method: "PATCH",
      key: ws.adminKey,
      body: { history_item_id: first.body.results[0].release.id },
    });
    expectProblem(moved, 409, "CHANGE_FREEZE");
    expect(await storageSnapshot()).toEqual(before);

    const reverted = await call(`/v1/deployments/${deployment.id}/revert?environment=production`, { key: ws.adminKey, body: {} });
    expect(reverted.status).toBe(201);
    expect(reverted.body.release).toMatchObject({ version: 3, source: { type: "revert", release_id: first.body.results[0].release.id } });

    // A window that has ended no longer holds anything back.
    await setPolicy(ws.adminKey, "production", { freeze_windows: [{ ...windowAround(Date.now() - 3 * hour), reason: "" }] });
    expect((await call(`/v1/releases/${staging.id}/promote`, { key: ci, body: { environments: ["production"] } })).status).toBe(201);
  });

  it("a promotion needing approvals is not requested during a freeze, and an approval during one waits with the reason", async () => {
    const ws = await createWorkspace();
    await setPolicy(ws.adminKey, "production", { required_approvals: 1 });
    const { deployment, releases } = await deployedWorkspace(ws);
    const staging = releases.find((r) => r.environment === "staging")!;
    const requested = await call(`/v1/releases/${staging.id}/promote`, { key: ws.adminKey, body: { environments: ["production"] } });
    expect(requested.status).toBe(202);
    const request = requested.body.results[0].promotion_request;

    await setPolicy(ws.adminKey, "production", { freeze_windows: [windowAround(Date.now(), "Release freeze")] });
    expectProblem(await call(`/v1/releases/${staging.id}/promote`, { key: ws.adminKey, body: { environments: ["production"] } }), 409, "CHANGE_FREEZE");
    const approver = (await ws.key({ environment: "production", scopes: ["approve", "read"] })).key;
    const approved = await call(`/v1/promotion-requests/${request.id}/approve`, { key: approver, body: { comment: "ok" } });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: "approved", release: null, result_release_id: null });
    expect(approved.body.blocked_reason).toMatch(/production is frozen until .*Release freeze/);
    const productionReleases = "SELECT count(*) AS n FROM releases WHERE deployment_id = ? AND environment_id = ?";
    expect(await env.DB.prepare(productionReleases).bind(deployment.id, ws.environments.production!.id).first("n")).toBe(0);
    expectProblem(await call(`/v1/promotion-requests/${request.id}/approve`, { key: approver, body: {} }), 409, "PROMOTION_REQUEST_CLOSED");

    // The approved request can still be called off.
    const rejected = await call(`/v1/promotion-requests/${request.id}/reject`, { key: approver, body: { comment: "after the freeze instead" } });
    expect(rejected.body.status).toBe("rejected");
  });

  it("an approved request held back by a freeze lands once the freeze is lifted, when the requests are settled", async () => {
    const ws = await createWorkspace();
    await setPolicy(ws.adminKey, "production", { required_approvals: 1, freeze_windows: [] });
    const { deployment, releases } = await deployedWorkspace(ws);
    const staging = releases.find((r) => r.environment === "staging")!;
    const requested = await call(`/v1/releases/${staging.id}/promote`, { key: ws.adminKey, body: { environments: ["production"], release_tags: ["v1.0.0"] } });
    const request = requested.body.results[0].promotion_request;
    await setPolicy(ws.adminKey, "production", { freeze_windows: [windowAround(Date.now())] });
    const approver = (await ws.key({ environment: "production", scopes: ["approve", "read"] })).key;
    expect((await call(`/v1/promotion-requests/${request.id}/approve`, { key: approver, body: {} })).body.status).toBe("approved");

    expect(await settle(ws.id)).toEqual([]);
    expect((await call(`/v1/promotion-requests/${request.id}`, { key: ws.adminKey })).body.status).toBe("approved");
    await setPolicy(ws.adminKey, "production", { freeze_windows: [] });
    expect(await settle(ws.id)).toEqual([request.id]);
    expect(await settle(ws.id)).toEqual([]);

    const after = await call(`/v1/promotion-requests/${request.id}`, { key: ws.adminKey });
    expect(after.body).toMatchObject({ status: "executed", blocked_reason: null });
    const live = await call(`/v1/deployments/${deployment.id}/releases?environment=production`, { key: ws.adminKey });
    expect(live.body.data).toHaveLength(1);
    expect(live.body.data[0]).toMatchObject({ id: after.body.result_release_id, tags: ["LATEST", "v1.0.0"], source: { type: "promotion", release_id: staging.id } });
    const executed = (await call("/v1/audit-events?action=promotion.executed", { key: ws.adminKey })).body.data;
    expect(executed).toEqual([expect.objectContaining({ actor: expect.objectContaining({ type: "system" }) })]);
  });

  it("settling expires open requests past their expiry, once, with an audit event", async () => {
    const ws = await createWorkspace();
    await setPolicy(ws.adminKey, "production", { required_approvals: 2 });
    const { releases } = await deployedWorkspace(ws);
    const staging = releases.find((r) => r.environment === "staging")!;
    const requested = await call(`/v1/releases/${staging.id}/promote`, { key: ws.adminKey, body: { environments: ["production"] } });
    const request = requested.body.results[0].promotion_request;
    await env.DB.prepare("UPDATE promotion_requests SET expires_at = ? WHERE id = ?")
      .bind(new Date(Date.now() - 1000).toISOString(), request.id)
      .run();

    expect(await settle(ws.id)).toEqual([]);
    expect((await call(`/v1/promotion-requests/${request.id}`, { key: ws.adminKey })).body.status).toBe("expired");
    await settle(ws.id);
    expect((await call("/v1/audit-events?action=promotion.expired", { key: ws.adminKey })).body.data).toHaveLength(1);
  });

  it("an environment that gates its promotions takes no direct deploys, even unprotected, so the gate cannot be walked around", async () => {
    const ws = await createWorkspace();
    const { sandbox } = await deployedWorkspace(ws);
    await setPolicy(ws.adminKey, "production", { protected: false, required_approvals: 1 });
    const ci = (await ws.key({ environment: null, scopes: ["read", "deploy", "promote"] })).key;
    const before = await storageSnapshot();
    for (const key of [ws.adminKey, ci]) {
      const refused = await deploy(ws, sandbox.id, ["staging", "production"], {}, key);
      const problem = expectProblem(refused, 409, "ENVIRONMENT_PROTECTED");
      expect(problem.detail).toContain("production gates its promotions");
      expect(problem.errors).toEqual([expect.objectContaining({ path: "body.environments[1]" })]);
    }
    expect(await storageSnapshot()).toEqual(before);
    await setPolicy(ws.adminKey, "production", { required_approvals: 0 });
    expect((await deploy(ws, sandbox.id, ["production"])).status).toBe(201);
  });
});
