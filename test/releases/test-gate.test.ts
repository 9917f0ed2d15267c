import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createWorkspace, expectProblem, storageSnapshot, type TestWorkspace } from "../harness";
import { deploy, deployedWorkspace, promptSpec, saveSandbox } from "../lifecycle/fixtures";
import { deployPrompt } from "../test-suites/fixtures";

const capitalCase = (expected: string) => ({
  name: "capital of France",
  inputs: { question: "What is the capital of France?" },
  assertions: [{ type: "contains", value: expected }],
});

async function createSuite(ws: TestWorkspace, expected: string, deployment: string | null = "faq", name = "capitals") {
  const res = await call("/v1/test-suites", { key: ws.adminKey, body: { name, deployment, cases: [capitalCase(expected)] } });
  if (res.status !== 201) throw new Error(`suite creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string };
}

const runSuite = (ws: TestWorkspace, suiteId: string, releaseId: string) => call(`/v1/test-suites/${suiteId}/runs`, { key: ws.adminKey, body: { release_id: releaseId } });
const approve = (id: string, key: string) => call(`/v1/promotion-requests/${id}/approve`, { key, body: { comment: "ok" } });
const promote = (ws: TestWorkspace, releaseId: string) => call(`/v1/releases/${releaseId}/promote`, { key: ws.adminKey, body: { environments: ["production"] } });
const setGate = (ws: TestWorkspace, body: Record<string, unknown>) => call("/v1/environments/production", { method: "PATCH", key: ws.adminKey, body });

async function productionReleaseCount(deploymentId: string, ws: TestWorkspace) {
  return env.DB.prepare("SELECT count(*) AS n FROM releases WHERE deployment_id = ? AND environment_id = ?").bind(deploymentId, ws.environments.production!.id).first<number>("n");
}

async function runCount(ws: TestWorkspace) {
  return env.DB.prepare("SELECT count(*) AS n FROM test_suite_runs WHERE workspace_id = ?").bind(ws.id).first<number>("n");
}

describe("the test gate on promotions", () => {
  it("each deployment reaches a gated production only after passing its own suite; one without a suite is refused unless the gate allows it", async () => {
    const ws = await createWorkspace();
    const gated = await setGate(ws, { test_gate: { min_pass_rate: 1 } });
    expect(gated.status).toBe(200);
    expect(gated.body.test_gate).toEqual({ min_pass_rate: 1, untested: "refuse" });
    const faq = await deployedWorkspace(ws);
    const faqStaging = faq.releases.find((r) => r.environment === "staging")!.id;
    const summary = await deployPrompt(ws, "summary", promptSpec("Summarize: {{ question }}"));
    const notes = await deployPrompt(ws, "notes", promptSpec());
    const faqSuite = await createSuite(ws, "France", "faq", "faq capitals");
    const summarySuite = await createSuite(ws, "France", "summary", "summary smoke");

    const before = await storageSnapshot();
    const untested = await promote(ws, faqStaging);
    expect(expectProblem(untested, 409, "TEST_GATE_FAILED").detail).toContain(`needs a completed run of the test suite "faq capitals" on release ${faqStaging}; there is none`);
    // A suite tests its own deployment's releases only, and nothing runs or is stored otherwise.
    const crossed = await runSuite(ws, faqSuite.id, summary.releases.staging!);
    expect(expectProblem(crossed, 400, "VALIDATION_FAILED").errors).toEqual([expect.objectContaining({ path: "body.release_id" })]);
    expect(crossed.body.detail).toContain('tests the deployment "faq"');
    expect(await storageSnapshot()).toEqual(before);

    expect((await runSuite(ws, faqSuite.id, faqStaging)).body).toMatchObject({ status: "completed", pass_rate: 1 });
    expect((await promote(ws, faqStaging)).status).toBe(201);

    // faq's passing run says nothing about summary: it needs its own suite's run.
    const summaryRefused = expectProblem(await promote(ws, summary.releases.staging!), 409, "TEST_GATE_FAILED");
    expect(summaryRefused.detail).toContain('"summary smoke"');
    expect(summaryRefused.detail).not.toContain("faq capitals");
    expect((await runSuite(ws, summarySuite.id, summary.releases.staging!)).body.pass_rate).toBe(1);
    const summaryPromoted = await promote(ws, summary.releases.staging!);
    expect(summaryPromoted.status).toBe(201);
    expect(summaryPromoted.body.results[0]).toMatchObject({ status: "released", release: { environment: "production", source: { release_id: summary.releases.staging } } });

    // A deployment without a suite is refused, saying how to get through...
    const beforeNotes = await storageSnapshot();
    const notesRefused = expectProblem(await promote(ws, notes.releases.staging!), 409, "TEST_GATE_FAILED");
    expect(notesRefused.detail).toContain('the deployment "notes" has none');
    expect(notesRefused.detail).toContain('"allow"');
    expect(await storageSnapshot()).toEqual(beforeNotes);
    // ...and let through when the gate allows untested deployments, while tested ones stay gated.
    const allowing = await setGate(ws, { test_gate: { untested: "allow" } });
    expect(allowing.body.test_gate).toEqual({ min_pass_rate: 1, untested: "allow" });
    expect((await promote(ws, notes.releases.staging!)).status).toBe(201);
    await saveSandbox(ws, faq.sandbox.id, promptSpec("Answer briefly: {{ question }}"));
    const newer = (await deploy(ws, faq.sandbox.id, ["staging"])).body.releases[0];
    expectProblem(await promote(ws, newer.id), 409, "TEST_GATE_FAILED");
  });

  it("two approvals and a test gate: self-approval 403, one approval pending, the held request says what holds it now, a passing run lands it once", async () => {
    const ws = await createWorkspace();
    // The echo model answers with the question itself, so "France" is in the answer and "Paris" is not.
    const policy = await setGate(ws, { required_approvals: 2, test_gate: { min_pass_rate: 1 } });
    expect(policy.body).toMatchObject({ required_approvals: 2, test_gate: { min_pass_rate: 1, untested: "refuse" } });
    const { deployment, releases } = await deployedWorkspace(ws);
    const suite = await createSuite(ws, "Paris");
    const staging = releases.find((r) => r.environment === "staging")!;

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
    expect(held.body.blocked_reason).toContain(`needs a completed run of the test suite "capitals" on release ${staging.id}; there is none`);

    // A failing run completes: the request now names that run and its pass rate against the minimum.
    const failing = await runSuite(ws, suite.id, staging.id);
    expect(failing.body).toMatchObject({ status: "completed", pass_rate: 0 });
    const stillHeld = await call(`/v1/promotion-requests/${request.id}`, { key: ws.adminKey });
    expect(stillHeld.body.status).toBe("approved");
    expect(stillHeld.body.blocked_reason).toContain(`passed 0 of 1 cases (0%) on release ${staging.id} in run ${failing.body.id}; production needs 100%`);
    expect(stillHeld.body.blocked_reason).not.toContain("there is none");
    expect((await call("/v1/audit-events?action=promotion.held", { key: ws.adminKey })).body.data).toHaveLength(1);
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
    await setGate(ws, { required_approvals: 2, test_gate: {} });
    const { deployment, releases } = await deployedWorkspace(ws);
    const suite = await createSuite(ws, "France");
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
    await setGate(ws, { test_gate: { min_pass_rate: 0.5 } });
    const { sandbox, releases } = await deployedWorkspace(ws);
    const suite = await createSuite(ws, "France");
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
    expect(await runCount(ws)).toBe(2);
  });
});

describe("the migration to per-deployment test gates", () => {
  it("turns an environment's required suite into a gate at its pass rate, and gives that suite the deployment of the release it last ran on", async () => {
    const db = env.MIGRATION_CHECK_DB;
    const migrations = env.TEST_MIGRATIONS;
    const at = migrations.findIndex((m) => m.name.startsWith("0005_"));
    expect(at).toBeGreaterThan(0);
    await applyD1Migrations(db, migrations.slice(0, at));

    const t = "2026-01-01T00:00:00.000Z";
    const later = "2026-01-02T00:00:00.000Z";
    await db.batch([
      db.prepare("INSERT INTO workspaces (id, name, created_at) VALUES ('ws_1', 'Old', ?)").bind(t),
      ...[
        ["env_prod", "production", "ts_faq", 0.8],
        ["env_stage", "staging", null, null],
        ["env_qa", "qa", "ts_drafts", null],
      ].map(([id, name, suite, rate]) =>
        db
          .prepare("INSERT INTO environments (id, workspace_id, name, label, required_test_suite_id, min_pass_rate, created_at, updated_at) VALUES (?, 'ws_1', ?, ?, ?, ?, ?, ?)")
          .bind(id, name, name, suite, rate, t, t),
      ),
      ...["faq", "summary"].map((name) =>
        db
          .prepare("INSERT INTO deployments (id, workspace_id, name, kind, sandbox_id, created_at, created_by) VALUES (?, 'ws_1', ?, 'prompt', ?, ?, 'key')")
          .bind(`dep_${name}`, name, `sbx_${name}`, t),
      ),
      ...["faq", "summary"].map((name) =>
        db
          .prepare(
            "INSERT INTO releases (id, workspace_id, deployment_id, environment_id, version, spec, content_hash, source_type, description, created_at, created_by) VALUES (?, 'ws_1', ?, 'env_stage', 1, '{}', 'h', 'sandbox', '', ?, 'key')",
          )
          .bind(`rel_${name}`, `dep_${name}`, t),
      ),
      ...["ts_faq", "ts_drafts", "ts_other"].map((id) =>
        db
          .prepare(
            "INSERT INTO test_suites (id, workspace_id, name, revision, cases, created_at, created_by, updated_at, updated_by) VALUES (?, 'ws_1', ?, 1, '[]', ?, 'key', ?, 'key')",
          )
          .bind(id, id, t, t),
      ),
      // The required suite ran on summary's release first, then on faq's: the newest run decides.
      ...[
        ["tsr_1", "ts_faq", "rel_summary", null, t],
        ["tsr_2", "ts_faq", "rel_faq", null, later],
        ["tsr_3", "ts_drafts", null, "sbx_faq", later],
        ["tsr_4", "ts_other", "rel_summary", null, later],
      ].map(([id, suite, release, sandbox, createdAt]) =>
        db
          .prepare(
            "INSERT INTO test_suite_runs (id, workspace_id, test_suite_id, test_suite_revision, release_id, sandbox_id, content_hash, status, total_cases, passed_cases, results, created_at, created_by) VALUES (?, 'ws_1', ?, 1, ?, ?, 'h', 'completed', 0, 0, '[]', ?, 'key')",
          )
          .bind(id, suite, release, sandbox, createdAt),
      ),
    ]);

    await applyD1Migrations(db, migrations);

    const environments = (await db.prepare("SELECT * FROM environments ORDER BY name").all<Record<string, unknown>>()).results;
    expect(environments.map((e) => [e.name, e.test_gate === null ? null : JSON.parse(e.test_gate as string)])).toEqual([
      ["production", { min_pass_rate: 0.8, untested: "refuse" }],
      ["qa", { min_pass_rate: 1, untested: "refuse" }],
      ["staging", null],
    ]);
    expect(Object.keys(environments[0]!)).not.toContain("required_test_suite_id");
    expect(Object.keys(environments[0]!)).not.toContain("min_pass_rate");
    const suites = (await db.prepare("SELECT id, deployment_id FROM test_suites ORDER BY id").all()).results;
    // A required suite never run on a release, and a suite no environment required, belong to no deployment.
    expect(suites).toEqual([
      { id: "ts_drafts", deployment_id: null },
      { id: "ts_faq", deployment_id: "dep_faq" },
      { id: "ts_other", deployment_id: null },
    ]);
  });
});
