import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import worker from "../../src/index";
import { addQualitySamples } from "../../src/metrics/rollup-repository";
import { runHousekeeping } from "../../src/scheduled/housekeeping";
import { call, createWorkspace, expectProblem, storageSnapshot, type TestWorkspace } from "../harness";
import { createSandbox, deploy } from "../lifecycle/fixtures";
import { at, deliver, executionRecord, metrics } from "./seed";

const NOW = new Date("2026-06-15T12:34:56Z");
const db = () => openDatabase(env.DB);

async function rows(sql: string, ...params: unknown[]) {
  return (
    await env.DB.prepare(sql)
      .bind(...params)
      .all<Record<string, unknown>>()
  ).results;
}

async function setRetention(ws: TestWorkspace, environment: string, days: number | null) {
  const res = await call(`/v1/environments/${environment}`, { method: "PATCH", key: ws.adminKey, body: { retention_days: days } });
  expect(res.status).toBe(200);
  expect(res.body.retention_days).toBe(days);
}

describe("retention_days", () => {
  it("is 90 days by default, set by a workspace admin (null keeps everything), and validated", async () => {
    const ws = await createWorkspace();
    expect((await call("/v1/environments/staging", { key: ws.adminKey })).body.retention_days).toBe(90);
    await setRetention(ws, "staging", 30);
    expect((await call("/v1/environments/staging", { key: ws.adminKey })).body.retention_days).toBe(30);
    await setRetention(ws, "staging", null);
    await setRetention(ws, "staging", 3650);
    const created = await call("/v1/environments", { key: ws.adminKey, body: { name: "qa", retention_days: 7 } });
    expect(created.status).toBe(201);
    expect(created.body.retention_days).toBe(7);
    // Other changes leave it alone.
    expect((await call("/v1/environments/qa", { method: "PATCH", key: ws.adminKey, body: { label: "QA" } })).body.retention_days).toBe(7);
    const audit = await call("/v1/audit-events?action=environment.updated&environment=staging", { key: ws.adminKey });
    expect(audit.body.data[0]).toMatchObject({ before: { retention_days: null }, after: { retention_days: 3650 } });

    for (const bad of [0, 3651, 1.5, "30", -1]) {
      const before = await storageSnapshot();
      const res = await call("/v1/environments/staging", { method: "PATCH", key: ws.adminKey, body: { retention_days: bad } });
      const problem = expectProblem(res, 400, "VALIDATION_FAILED");
      expect((problem.errors as { path: string }[]).map((e) => e.path)).toEqual(["body.retention_days"]);
      expect(await storageSnapshot()).toEqual(before);
    }
    const environmentAdmin = (await ws.key({ environment: "staging", scopes: ["admin"] })).key;
    expectProblem(await call("/v1/environments/staging", { method: "PATCH", key: environmentAdmin, body: { retention_days: 1 } }), 403);
  });
});

describe("scheduled housekeeping", () => {
  it("deletes executions and rollups before each environment's cutoff, keeps the rest, and leaves null retention alone", async () => {
    const ws = await createWorkspace();
    const key = (await ws.key({ environment: "staging", scopes: ["read", "execute"] })).key;
    const sandbox = await createSandbox(ws);
    const release = (await deploy(ws, sandbox.id, ["staging", "development"])).body.releases[0].id;
    await setRetention(ws, "staging", 30);
    await setRetention(ws, "development", null);
    const [staging, development, production] = [ws.environments.staging!.id, ws.environments.development!.id, ws.environments.production!.id];
    const inStaging = { workspace_id: ws.id, environment_id: staging, deployment_id: sandbox.deployment_id, release_id: release };

    // Staging's cutoff: the start of the hour 30 days before NOW, 2026-05-16T12:00:00Z.
    const old = executionRecord({ ...inStaging, started_at: at("2026-04-01T00:00:00Z"), latency_ms: 500, input_tokens: 50, cost_usd: 8 });
    const justBefore = executionRecord({ ...inStaging, started_at: at("2026-05-16T11:59:59.999Z"), latency_ms: 400, cost_usd: 4 });
    const atCutoff = executionRecord({ ...inStaging, started_at: at("2026-05-16T12:00:00Z"), latency_ms: 10, input_tokens: 1, output_tokens: 2, cost_usd: 0.25 });
    const after = executionRecord({ ...inStaging, started_at: at("2026-05-16T12:20:00Z"), latency_ms: 30, status: "REJECTED" });
    const recent = executionRecord({ ...inStaging, started_at: at("2026-06-15T12:00:00Z"), latency_ms: 20, input_tokens: 3, output_tokens: 4, cost_usd: 0.5 });
    const ancient = executionRecord({ workspace_id: ws.id, environment_id: development, started_at: at("2025-01-01T00:00:00Z"), latency_ms: 7 });
    // Production keeps the default 90 days: cutoff 2026-03-17T12:00:00Z.
    const productionOld = executionRecord({ workspace_id: ws.id, environment_id: production, started_at: at("2026-03-17T11:30:00Z"), latency_ms: 1 });
    const productionNew = executionRecord({ workspace_id: ws.id, environment_id: production, started_at: at("2026-03-17T12:30:00Z"), latency_ms: 1 });
    await deliver([old, justBefore, atCutoff, after, recent, ancient, productionOld, productionNew]);
    expect(
      (
        await call("/v1/submit-completion-actuals", {
          key,
          body: {
            actuals: [
              { id: atCutoff.id, quality: 1 },
              { id: old.id, quality: 0 },
            ],
          },
        })
      ).status,
    ).toBe(200);
    const samples = { workspaceId: ws.id, environmentId: staging, deploymentId: sandbox.deployment_id, releaseId: release };
    await addQualitySamples(db(), { ...samples, at: at("2026-05-01T09:00:00Z"), sum: 0, count: 4 });
    await addQualitySamples(db(), { ...samples, at: at("2026-06-01T09:00:00Z"), sum: 0.5, count: 1 });
    await env.DB.batch(
      [
        ["stale", new Date(NOW.getTime() - 25 * 3_600_000)],
        ["fresh", new Date(NOW.getTime() - 23 * 3_600_000)],
      ].map(([name, createdAt]) =>
        env.DB.prepare("INSERT INTO idempotency_records (workspace_id, idempotency_key, fingerprint, status, body, created_at) VALUES (?, ?, 'f', 201, '{}', ?)").bind(
          ws.id,
          name,
          (createdAt as Date).toISOString(),
        ),
      ),
    );
    const developmentRange = { environment: "development", from: "2024-12-31T00:00:00Z", to: "2025-01-02T00:00:00Z" };
    const developmentBefore = await metrics(ws.adminKey, developmentRange);
    expect(developmentBefore.body.overall.executions).toBe(1);
    const auditBefore = await rows("SELECT count(*) AS n FROM audit_events WHERE workspace_id = ?", ws.id);

    const report = await runHousekeeping({ db: db(), now: () => NOW });

    expect(report.complete).toBe(true);
    expect(report.environments.filter((e) => e.workspace_id === ws.id).sort((a, b) => a.environment_id.localeCompare(b.environment_id))).toEqual(
      [
        // old's and justBefore's hours and the old evaluation's hour; their two latency buckets.
        { workspace_id: ws.id, environment_id: staging, cutoff: "2026-05-16T12:00:00.000Z", executions: 2, rollups: 3, histogram_rows: 2 },
        { workspace_id: ws.id, environment_id: production, cutoff: "2026-03-17T12:00:00.000Z", executions: 1, rollups: 1, histogram_rows: 1 },
      ].sort((a, b) => a.environment_id.localeCompare(b.environment_id)),
    );
    expect((await rows("SELECT id FROM executions WHERE workspace_id = ? ORDER BY id", ws.id)).map((r) => r.id)).toEqual(
      [atCutoff.id, after.id, recent.id, ancient.id, productionNew.id].sort(),
    );
    expect(await rows("SELECT bucket_start FROM execution_rollups WHERE environment_id = ? ORDER BY bucket_start", staging)).toEqual(
      ["2026-05-16T12:00:00Z", "2026-06-01T09:00:00Z", "2026-06-15T12:00:00Z"].map((t) => ({ bucket_start: at(t) })),
    );
    expect(await rows("SELECT count(*) AS n FROM latency_histogram WHERE environment_id = ? AND bucket_start < ?", staging, at("2026-05-16T12:00:00Z"))).toEqual([{ n: 0 }]);
    expect((await rows("SELECT idempotency_key FROM idempotency_records WHERE workspace_id = ?", ws.id)).map((r) => r.idempotency_key)).toEqual(["fresh"]);
    // Housekeeping is not a user's change: no audit event.
    expect(await rows("SELECT count(*) AS n FROM audit_events WHERE workspace_id = ?", ws.id)).toEqual(auditBefore);

    // The metrics now describe exactly the executions that remain (and the evaluation that remains).
    const remaining = await metrics(key, { from: "2026-03-20T00:00:00Z", to: "2026-06-15T13:00:00Z" });
    expect(remaining.body.overall).toEqual({
      executions: 3,
      errors: 1,
      error_rate: 1 / 3,
      latency_ms: { mean: 20, p50: 20, p95: 30, p99: 30 },
      input_tokens: 4,
      output_tokens: 6,
      cost_usd: 0.75,
      quality: { mean: 0.75, count: 2 },
    });
    const raw = await rows("SELECT count(*) AS n, sum(latency_ms) AS latency, sum(cost_usd) AS cost FROM executions WHERE environment_id = ?", staging);
    expect(raw).toEqual([{ n: 3, latency: 60, cost: 0.75 }]);
    expect((await metrics(ws.adminKey, developmentRange)).body).toEqual(developmentBefore.body);

    // A second run finds nothing more to do here.
    const again = await runHousekeeping({ db: db(), now: () => NOW });
    expect(again.environments.filter((e) => e.workspace_id === ws.id)).toEqual([]);
  });

  it("a run stops after its row budget, and the next run finishes the job", async () => {
    // Anything else in storage that is due goes first, so the budget below is this test's alone.
    await runHousekeeping({ db: db(), now: () => NOW });
    const ws = await createWorkspace();
    const staging = ws.environments.staging!.id;
    await deliver(
      Array.from({ length: 7 }, (_, i) =>
        executionRecord({ workspace_id: ws.id, environment_id: staging, started_at: at("2026-01-10T00:00:00Z") + (i % 2) * 3_600_000, latency_ms: 10 + i }),
      ),
    );
    const count = async (table: string) => (await rows(`SELECT count(*) AS n FROM ${table} WHERE environment_id = ?`, staging))[0]!.n;

    const first = await runHousekeeping({ db: db(), now: () => NOW }, { chunk: 2, maxRows: 4 });
    // One round: two of each kind of row, then the budget is spent.
    expect(first.complete).toBe(false);
    expect(first.environments).toEqual([expect.objectContaining({ environment_id: staging, executions: 2, rollups: 2, histogram_rows: 2 })]);
    expect([await count("executions"), await count("execution_rollups"), await count("latency_histogram")]).toEqual([5, 0, 5]);

    const second = await runHousekeeping({ db: db(), now: () => NOW });
    expect(second.complete).toBe(true);
    expect(second.environments).toEqual([expect.objectContaining({ environment_id: staging, executions: 5, rollups: 0, histogram_rows: 5 })]);
    expect([await count("executions"), await count("execution_rollups"), await count("latency_histogram")]).toEqual([0, 0, 0]);
  });

  it("runs from the Worker's cron trigger", async () => {
    const ws = await createWorkspace();
    const staging = ws.environments.staging!.id;
    await deliver([executionRecord({ workspace_id: ws.id, environment_id: staging, started_at: at("2026-01-01T00:00:00Z"), latency_ms: 3 })]);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: NOW, cron: "*/15 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await rows("SELECT id FROM executions WHERE environment_id = ?", staging)).toEqual([]);
    expect(await rows("SELECT bucket_start FROM execution_rollups WHERE environment_id = ?", staging)).toEqual([]);
  });
});
