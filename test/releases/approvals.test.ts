import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createWorkspace, expectProblem, storageSnapshot } from "../harness";
import { deployedWorkspace } from "../lifecycle/fixtures";

async function pendingPromotion() {
  const ws = await createWorkspace();
  await call("/v1/environments/production", { method: "PATCH", key: ws.adminKey, body: { required_approvals: 2 } });
  const { releases, deployment } = await deployedWorkspace(ws);
  const staging = releases.find((r) => r.environment === "staging")!;
  const promoted = await call(`/v1/releases/${staging.id}/promote`, { key: ws.adminKey, body: { environments: ["production"], release_tags: ["v1.0.0"] } });
  expect(promoted.status).toBe(202);
  const approvers = await Promise.all([1, 2, 3].map(() => ws.key({ environment: null, scopes: ["approve", "read"] })));
  return { ws, deployment, staging, request: promoted.body.results[0].promotion_request, approvers: approvers.map((a) => a.key) };
}

const approve = (id: string, key: string) => call(`/v1/promotion-requests/${id}/approve`, { key, body: { comment: "looks good" } });

async function productionReleases(deploymentId: string, environmentId: string) {
  return (await env.DB.prepare("SELECT id FROM releases WHERE deployment_id = ? AND environment_id = ?").bind(deploymentId, environmentId).all()).results;
}

describe("promotion approvals", () => {
  it("the requester cannot approve; N distinct approvers release the promotion once", async () => {
    const { ws, deployment, staging, request, approvers } = await pendingPromotion();
    const before = await storageSnapshot();
    expectProblem(await approve(request.id, ws.adminKey), 403, "SELF_APPROVAL");
    expect(await storageSnapshot()).toEqual(before);

    const first = await approve(request.id, approvers[0]!);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: "pending", approvals: [{ comment: "looks good" }], release: null });
    expectProblem(await approve(request.id, approvers[0]!), 409, "ALREADY_APPROVED");
    expect(await productionReleases(deployment.id, ws.environments.production!.id)).toEqual([]);

    const second = await approve(request.id, approvers[1]!);
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({
      status: "executed",
      release: { environment: "production", version: 1, source: { type: "promotion", release_id: staging.id }, tags: ["LATEST", "v1.0.0"] },
    });
    expect(second.body.result_release_id).toBe(second.body.release.id);
    expect(await env.EDGE.get(`pointer:${ws.environments.production!.id}:${deployment.id}:LATEST`, "json")).toMatchObject({ release_id: second.body.release.id });
    expectProblem(await approve(request.id, approvers[2]!), 409, "PROMOTION_REQUEST_CLOSED");
    const actions = (await call("/v1/audit-events?action=promotion.executed", { key: ws.adminKey })).body.data;
    expect(actions).toHaveLength(1);
  });

  it("two final approvals at the same time release exactly once", async () => {
    const { ws, deployment, request, approvers } = await pendingPromotion();
    await approve(request.id, approvers[0]!);
    const results = await Promise.all([approve(request.id, approvers[1]!), approve(request.id, approvers[2]!)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await productionReleases(deployment.id, ws.environments.production!.id)).toHaveLength(1);
  });

  it("promoting the same release into the same gated environment again is a 409 naming the open request, even at the same time", async () => {
    const { ws, staging, request } = await pendingPromotion();
    const promote = () => call(`/v1/releases/${staging.id}/promote`, { key: ws.adminKey, body: { environments: ["production"] } });
    const before = await storageSnapshot();
    const again = await promote();
    const problem = expectProblem(again, 409, "PROMOTION_ALREADY_REQUESTED");
    expect(problem.detail).toContain(request.id);
    expect(problem.errors).toEqual([{ path: "body.environments[0]", message: `Already requested: ${request.id}` }]);
    expect(await storageSnapshot()).toEqual(before);

    // Once it is closed, a new request may be made; two at once make exactly one.
    await call(`/v1/promotion-requests/${request.id}/reject`, { key: (await ws.key({ environment: null, scopes: ["approve"] })).key, body: {} });
    const racing = await Promise.all([promote(), promote()]);
    expect(racing.map((r) => r.status).sort()).toEqual([202, 409]);
    const open = await env.DB.prepare("SELECT COUNT(*) AS n FROM promotion_requests WHERE release_id = ? AND status = 'pending'").bind(staging.id).first("n");
    expect(open).toBe(1);
  });

  it("a rejection closes the request; another environment's key cannot see it", async () => {
    const { ws, request, approvers } = await pendingPromotion();
    const stagingApprover = (await ws.key({ environment: "staging", scopes: ["approve", "read"] })).key;
    expectProblem(await approve(request.id, stagingApprover), 404, "NOT_FOUND");
    const readOnly = (await ws.key({ environment: "production", scopes: ["read"] })).key;
    expectProblem(await approve(request.id, readOnly), 403, "INSUFFICIENT_SCOPE");
    const rejected = await call(`/v1/promotion-requests/${request.id}/reject`, { key: approvers[0]!, body: { comment: "not yet" } });
    expect(rejected.body.status).toBe("rejected");
    expectProblem(await approve(request.id, approvers[1]!), 409, "PROMOTION_REQUEST_CLOSED");
    expect((await call(`/v1/promotion-requests/${request.id}`, { key: ws.adminKey })).body.status).toBe("rejected");
  });
});
