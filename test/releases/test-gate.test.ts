import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createWorkspace, expectProblem, storageSnapshot, type TestWorkspace } from "../harness";
import { deploy, deployedWorkspace, promptSpec, saveSandbox } from "../lifecycle/fixtures";

const capitalCase = (expected: string) => ({
  name: "capital of France",
  inputs: { question: "What is the capital of France?" },
  assertions: [{ type: "contains", value: expected }],
});

async function createSuite(ws: TestWorkspace, expected: string) {
  const res = await call("/v1/test-suites", { key: ws.adminKey, body: { name: "capitals", cases: [capitalCase(expected)] } });
  if (res.status !== 201) throw new Error(`suite creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string };
}

const runSuite = (ws: TestWorkspace, suiteId: string, releaseId: string) => call(`/v1/test-suites/${suiteId}/runs`, { key: ws.adminKey, body: { release_id: releaseId } });
const approve = (id: string, key: string) => call(`/v1/promotion-requests/${id}/approve`, { key, body: { comment: "ok" } });
const promote = (ws: TestWorkspace, releaseId: string) => call(`/v1/releases/${releaseId}/promote`, { key: ws.adminKey, body: { environments: ["production"] } });

async function productionReleaseCount(deploymentId: string, ws: TestWorkspace) {
  return env.DB.prepare("SELECT count(*) AS n FROM releases WHERE deployment_id = ? AND environment_id = ?").bind(deploymentId, ws.environments.production!.id).first<number>("n");
}

describe("the test gate on promotions", () => {
  it("two approvals and a test gate: self-approval 403, one approval pending, a failing suite holds the release back with the reason, a passing run lands it once", async () => {
    const ws = await createWorkspace();
    // The echo model answers with the question itself, so "France" is in the answer and "Paris" is not.
    const suite = await createSuite(ws, "Paris");
    const policy = await call("/v1/environments/production", {
      method: "PATCH",
      key: ws.adminKey,
      body: { required_approvals: 2, required_test_suite: suite.id, min_pass_rate: 1 },
    });
    expect(policy.body).toMatchObject({ required_approvals: 2, required_test_suite: suite.id, min_pass_rate: 1 });
    const { deployment, releases } = await deployedWorkspace(ws);
    const staging = releases.find((r) => r.environment === "staging")!;
    const failing = await runSuite(ws, suite.id, staging.id);
    expect(failing.body).toMatchObject({ status: "completed", pass_rate: 0 });

    const requested = await promote(ws, staging.id);
    expect(requested.status).toBe(202);
    const request = requested.body.results[0].promotion_request;
    const [first, second] = await Promise.all([1, 2].map(async () => (await ws.key({ environment: "production", scopes: ["approve", "read"] })).key));

    const before = await storageSnapshot();
    expectProblem(await approve(request.id, ws.adminKey), 403, "SELF_APPROVAL");
    expect(await storageSnapshot()).toEqual(before);
    expect((await approve(request.id, first!)).body).toMatchObject({ status: "pending", release: null });
    const held = await approve(request.id, second!);
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ status: "approved", release: null, result_release_id: null });
    expect(held.body.blocked_reason).toContain(`passed 0 of 1 cases (0%) on release ${staging.id} in run ${failing.body.id}; production needs 100%`);
    expect(await productionReleaseCount(deployment.id, ws)).toBe(0);

    // Fix the suite, run it again on the same release: the waiting request lands by itself, once.
    const fixed = await call(`/v1/test-suites/${suite.id}`, { method: "PATCH", key: ws.adminKey, body: { cases: [capitalCase("France")] } });
    expect(fixed.status).toBe(200);
    expect((await runSuite(ws, suite.id, staging.id)).body).toMatchObject({ status: "completed", pass_rate: 1 });
    const landed = await call(`/v1/promotion-requests/${request.id}`, { key: ws.adminKey });
    expect(landed.body).toMatchObject({ status: "executed", blocked_reason: null });
    expect(await productionReleaseCount(deployment.id, ws)).toBe(1);
    await runSuite(ws, suite.id, staging.id);
    expect(await productionReleaseCount(deployment.id, ws)).toBe(1);
    const executed = (await call("/v1/audit-events?action=promotion.executed", { key: ws.adminKey })).body.data;
    expect(executed).toHaveLength(1);
  });

  it("with a passing suite, two approvals arriving at the same time release exactly once", async () => {
    const ws = await createWorkspace();
    const suite = await createSuite(ws, "France");
    await call("/v1/environments/production", { method: "PATCH", key: ws.adminKey, body: { required_approvals: 2, required_test_suite: suite.id } });
    const { deployment, releases } = await deployedWorkspace(ws);
    const staging = releases.find((r) => r.environment === "staging")!;
    expect((await runSuite(ws, suite.id, staging.id)).body.pass_rate).toBe(1);
    const request = (await promote(ws, staging.id)).body.results[0].promotion_request;
    const approvers = await Promise.all([1, 2].map(async () => (await ws.key({ environment: null, scopes: ["approve", "read"] })).key));

    const results = await Promise.all(approvers.map((key) => approve(request.id, key)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 201]);
    expect(results.find((r) => r.status === 201)!.body).toMatchObject({
      status: "executed",
      release: { environment: "production", version: 1, source: { release_id: staging.id } },
    });
    expect(await productionReleaseCount(deployment.id, ws)).toBe(1);
  });

  it("without approvals the gate is judged on the promote itself, for an admin key too, and only on the release being promoted", async () => {
    const ws = await createWorkspace();
    const suite = await createSuite(ws, "France");
    await call("/v1/environments/production", { method: "PATCH", key: ws.adminKey, body: { required_test_suite: suite.id, min_pass_rate: 0.5 } });
    const { sandbox, releases } = await deployedWorkspace(ws);
    const staging = releases.find((r) => r.environment === "staging")!;

    const before = await storageSnapshot();
    const untested = await promote(ws, staging.id);
    expect(expectProblem(untested, 409, "TEST_GATE_FAILED").detail).toContain(`needs a completed run of the test suite "capitals" on release ${staging.id}`);
    expect(await storageSnapshot()).toEqual(before);

    // A pass on the development release (same content) does not count for staging's.
    const development = releases.find((r) => r.environment === "development")!;
    await runSuite(ws, suite.id, development.id);
    expectProblem(await promote(ws, staging.id), 409, "TEST_GATE_FAILED");

    await runSuite(ws, suite.id, staging.id);
    const promoted = await promote(ws, staging.id);
    expect(promoted.status).toBe(201);
    expect(promoted.body.results[0]).toMatchObject({ status: "released", release: { version: 1 } });

    // A newer staging release needs its own passing run.
    await saveSandbox(ws, sandbox.id, promptSpec("Answer briefly: {{ question }}"));
    const newer = (await deploy(ws, sandbox.id, ["staging"])).body.releases[0];
    expectProblem(await promote(ws, newer.id), 409, "TEST_GATE_FAILED");
  });
});
