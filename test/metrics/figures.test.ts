import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import type { ExecutionRecord } from "../../src/invoke/execution-record";
import { latencyBucket } from "../../src/metrics/latency-buckets";
import { addQualitySamples } from "../../src/metrics/rollup-repository";
import { executionsRecorded } from "../execute/upstream";
import { call, createWorkspace, type TestWorkspace } from "../harness";
import { createSandbox, deploy } from "../lifecycle/fixtures";
import { at, deliver, EMPTY, executionRecord, metrics } from "./seed";

/**
 * One known set of executions in staging, and every figure of the metrics
 * worked out by hand from it.
 *
 *        time (UTC)           release  status    latency  in  out  cost      quality
 *  e1    03-10 10:05          R1       FULFILLED 100      10  20   0.25      0.5 (1 at first, then corrected)
 *  e2    03-10 10:20          R1       REJECTED  300      –   –    –
 *  e3    03-10 10:59:59.999   R1       FULFILLED 200      10  10   0.125
 *  e9    03-10 10:30          R3       FULFILLED 250      1   1    0.03125
 *  e4    03-10 11:00          R1       FULFILLED 150      20  30   0.5       0.5
 *  e5    03-10 11:30          R2       FULFILLED 1234     40  60   1         0.75
 *  e6    03-10 17:15          R2       FULFILLED 50       8   8    0.0625
 *  e7    03-10 17:45          R2       REJECTED  75.5     –   –    –
 *  e8    03-11 02:10          R2       FULFILLED 400      12  4    0.25
 *  evaluation of R2 at 03-10 17:20: two scores, 1 and 0.5
 *  outside the range: 03-10 09:59:59.999 and 03-11 03:00 (R1); production: one execution of its own
 *
 * Latency buckets: 1234 ms counts as 1240, 75.5 ms as 76. Costs and scores
 * are binary fractions, so every sum is exact and figures compare with toEqual.
 */
let ws: TestWorkspace;
let key: string;
let R1: string;
let R2: string;
let R3: string;
let faqId: string;
let otherId: string;
let production: { release: string; execution: ExecutionRecord };
const e: Record<string, ExecutionRecord> = {};
const RANGE = { from: "2026-03-10T10:15:00Z", to: "2026-03-11T02:30:00Z" };

beforeAll(async () => {
  ws = await createWorkspace();
  key = (await ws.key({ environment: "staging", scopes: ["read", "execute"] })).key;
  const faq = await createSandbox(ws, "faq");
  const other = await createSandbox(ws, "other");
  R1 = (await deploy(ws, faq.id, ["staging"])).body.releases[0].id;
  R2 = (await deploy(ws, faq.id, ["staging"])).body.releases[0].id;
  R3 = (await deploy(ws, other.id, ["staging"], { deployment_name: "other" })).body.releases[0].id;
  faqId = faq.deployment_id;
  otherId = other.deployment_id;
  const promoted = await call(`/v1/releases/${R2}/promote`, { key: ws.adminKey, body: { environments: ["production"] } });
  expect(promoted.status).toBe(201);

  const staging = { workspace_id: ws.id, environment_id: ws.environments.staging!.id };
  const r1 = { ...staging, deployment_id: faqId, release_id: R1 };
  const r2 = { ...staging, deployment_id: faqId, release_id: R2 };
  const r3 = { ...staging, deployment_id: otherId, release_id: R3 };
  const failed = { status: "REJECTED" as const, error_code: "PROVIDER_ERROR", error_message: "upstream failed" };
  const usage = (input_tokens: number, output_tokens: number, cost_usd: number) => ({ input_tokens, output_tokens, cost_usd });
  Object.assign(e, {
    e1: executionRecord({ ...r1, started_at: at("2026-03-10T10:05:00Z"), latency_ms: 100, ...usage(10, 20, 0.25) }),
    e2: executionRecord({ ...r1, started_at: at("2026-03-10T10:20:00Z"), latency_ms: 300, ...failed }),
    e3: executionRecord({ ...r1, started_at: at("2026-03-10T10:59:59.999Z"), latency_ms: 200, ...usage(10, 10, 0.125) }),
    e9: executionRecord({ ...r3, started_at: at("2026-03-10T10:30:00Z"), latency_ms: 250, ...usage(1, 1, 0.03125) }),
    e4: executionRecord({ ...r1, started_at: at("2026-03-10T11:00:00Z"), latency_ms: 150, ...usage(20, 30, 0.5) }),
    e5: executionRecord({ ...r2, started_at: at("2026-03-10T11:30:00Z"), latency_ms: 1234, ...usage(40, 60, 1) }),
    e6: executionRecord({ ...r2, started_at: at("2026-03-10T17:15:00Z"), latency_ms: 50, ...usage(8, 8, 0.0625) }),
    e7: executionRecord({ ...r2, started_at: at("2026-03-10T17:45:00Z"), latency_ms: 75.5, ...failed }),
    e8: executionRecord({ ...r2, started_at: at("2026-03-11T02:10:00Z"), latency_ms: 400, ...usage(12, 4, 0.25) }),
    before: executionRecord({ ...r1, started_at: at("2026-03-10T09:59:59.999Z"), latency_ms: 5, ...usage(1000, 1000, 64) }),
    after: executionRecord({ ...r1, started_at: at("2026-03-11T03:00:00Z"), latency_ms: 5, ...usage(1000, 1000, 64) }),
  });
  const productionRelease = promoted.body.results[0].release.id;
  production = {
    release: productionRelease,
    execution: executionRecord({
      workspace_id: ws.id,
      environment_id: ws.environments.production!.id,
      deployment_id: faqId,
      release_id: productionRelease,
      started_at: at("2026-03-10T10:10:00Z"),
      latency_ms: 999,
      ...usage(100, 100, 2),
    }),
  };
  await deliver([...Object.values(e), production.execution]);

  // Quality from completion actuals: e1 is first scored 1, then corrected to 0.5.
  const scored = await call("/v1/submit-completion-actuals", {
    key,
    body: {
      actuals: [
        { id: e.e1!.id, quality: 1 },
        { id: e.e4!.id, quality: 0.5 },
        { id: e.e5!.id, quality: 0.75 },
      ],
    },
  });
  expect(scored.body).toEqual({ updated: 3 });
  expect((await call("/v1/submit-completion-actuals", { key, body: { actuals: [{ id: e.e1!.id, quality: 0.5 }] } })).body).toEqual({ updated: 1 });
  // ...and from an evaluation of R2.
  await addQualitySamples(openDatabase(env.DB), {
    workspaceId: ws.id,
    environmentId: ws.environments.staging!.id,
    deploymentId: faqId,
    releaseId: R2,
    at: at("2026-03-10T17:20:00Z"),
    sum: 1.5,
    count: 2,
  });
});

const OVERALL = {
  executions: 9,
  errors: 2,
  error_rate: 2 / 9,
  // Sorted buckets: 50 76 100 150 200 250 300 400 1240; p50 is the 5th, p95 and p99 the 9th.
  latency_ms: { mean: 2759.5 / 9, p50: 200, p95: 1240, p99: 1240 },
  input_tokens: 101,
  output_tokens: 133,
  cost_usd: 2.21875,
  quality: { mean: 3.25 / 5, count: 5 },
};
const HOUR_10 = {
  executions: 4,
  errors: 1,
  error_rate: 0.25,
  latency_ms: { mean: 212.5, p50: 200, p95: 300, p99: 300 },
  input_tokens: 21,
  output_tokens: 31,
  cost_usd: 0.40625,
  quality: { mean: 0.5, count: 1 },
};
const HOUR_11 = {
  executions: 2,
  errors: 0,
  error_rate: 0,
  latency_ms: { mean: 692, p50: 150, p95: 1240, p99: 1240 },
  input_tokens: 60,
  output_tokens: 90,
  cost_usd: 1.5,
  quality: { mean: 0.625, count: 2 },
};
const HOUR_17 = {
  executions: 2,
  errors: 1,
  error_rate: 0.5,
  latency_ms: { mean: 62.75, p50: 50, p95: 76, p99: 76 },
  input_tokens: 8,
  output_tokens: 8,
  cost_usd: 0.0625,
  quality: { mean: 0.75, count: 2 },
};
const HOUR_02 = {
  executions: 1,
  errors: 0,
  error_rate: 0,
  latency_ms: { mean: 400, p50: 400, p95: 400, p99: 400 },
  input_tokens: 12,
  output_tokens: 4,
  cost_usd: 0.25,
  quality: { mean: null, count: 0 },
};
const RELEASE_1 = {
  executions: 4,
  errors: 1,
  error_rate: 0.25,
  latency_ms: { mean: 187.5, p50: 150, p95: 300, p99: 300 },
  input_tokens: 40,
  output_tokens: 60,
  cost_usd: 0.875,
  quality: { mean: 0.5, count: 2 },
};
const RELEASE_2 = {
  executions: 4,
  errors: 1,
  error_rate: 0.25,
  latency_ms: { mean: 439.875, p50: 76, p95: 1240, p99: 1240 },
  input_tokens: 60,
  output_tokens: 72,
  cost_usd: 1.3125,
  quality: { mean: 0.75, count: 3 },
};
const RELEASE_3 = {
  executions: 1,
  errors: 0,
  error_rate: 0,
  latency_ms: { mean: 250, p50: 250, p95: 250, p99: 250 },
  input_tokens: 1,
  output_tokens: 1,
  cost_usd: 0.03125,
  quality: { mean: null, count: 0 },
};

/** The hourly buckets of 03-10 10:00 to 03-11 03:00, with the figures of the four that saw executions. */
function hourlyBuckets() {
  const seen: Record<string, object> = {
    "2026-03-10T10:00:00.000Z": HOUR_10,
    "2026-03-10T11:00:00.000Z": HOUR_11,
    "2026-03-10T17:00:00.000Z": HOUR_17,
    "2026-03-11T02:00:00.000Z": HOUR_02,
  };
  return Array.from({ length: 17 }, (_, i) => {
    const start = new Date(at("2026-03-10T10:00:00Z") + i * 3_600_000).toISOString();
    const end = new Date(at("2026-03-10T11:00:00Z") + i * 3_600_000).toISOString();
    return { start, end, ...(seen[start] ?? EMPTY) };
  });
}

describe("GET /v1/metrics", () => {
  it("reports exactly what was recorded: overall, per hour and per release", async () => {
    const res = await metrics(key, { ...RANGE, group_by: "release" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      environment: "staging",
      deployment_id: null,
      release_id: null,
      // Widened to whole hours; the requested range is echoed.
      from: "2026-03-10T10:00:00.000Z",
      to: "2026-03-11T03:00:00.000Z",
      requested: { from: "2026-03-10T10:15:00.000Z", to: "2026-03-11T02:30:00.000Z" },
      bucket: "1h",
      overall: OVERALL,
      buckets: hourlyBuckets(),
      releases: [
        { deployment_id: faqId, release_id: R1, ...RELEASE_1 },
        { deployment_id: faqId, release_id: R2, ...RELEASE_2 },
        { deployment_id: otherId, release_id: R3, ...RELEASE_3 },
      ],
    });
  });

  it("6-hour and daily buckets are aligned in UTC and clipped to the range", async () => {
    const sixHours = await metrics(key, { ...RANGE, bucket: "6h" });
    expect(sixHours.status).toBe(200);
    expect(sixHours.body.releases).toBeUndefined();
    expect(sixHours.body.overall).toEqual(OVERALL);
    expect(sixHours.body.buckets).toEqual([
      {
        start: "2026-03-10T10:00:00.000Z",
        end: "2026-03-10T12:00:00.000Z",
        executions: 6,
        errors: 1,
        error_rate: 1 / 6,
        // 100 150 200 250 300 1240: p50 is the 3rd, p95 and p99 the 6th.
        latency_ms: { mean: 2234 / 6, p50: 200, p95: 1240, p99: 1240 },
        input_tokens: 81,
        output_tokens: 121,
        cost_usd: 1.90625,
        quality: { mean: 1.75 / 3, count: 3 },
      },
      { start: "2026-03-10T12:00:00.000Z", end: "2026-03-10T18:00:00.000Z", ...HOUR_17 },
      { start: "2026-03-10T18:00:00.000Z", end: "2026-03-11T00:00:00.000Z", ...EMPTY },
      { start: "2026-03-11T00:00:00.000Z", end: "2026-03-11T03:00:00.000Z", ...HOUR_02 },
    ]);

    const daily = await metrics(key, { ...RANGE, bucket: "1d" });
    expect(daily.body.buckets).toEqual([
      {
        start: "2026-03-10T10:00:00.000Z",
        end: "2026-03-11T00:00:00.000Z",
        executions: 8,
        errors: 2,
        error_rate: 0.25,
        // 50 76 100 150 200 250 300 1240: p50 is the 4th, p95 and p99 the 8th.
        latency_ms: { mean: 2359.5 / 8, p50: 150, p95: 1240, p99: 1240 },
        input_tokens: 89,
        output_tokens: 129,
        cost_usd: 1.96875,
        quality: { mean: 3.25 / 5, count: 5 },
      },
      { start: "2026-03-11T00:00:00.000Z", end: "2026-03-11T03:00:00.000Z", ...HOUR_02 },
    ]);
  });

  it("filters by deployment (name or id) and by release", async () => {
    const faqOnly = {
      executions: 8,
      errors: 2,
      error_rate: 0.25,
      // 50 76 100 150 200 300 400 1240
      latency_ms: { mean: 2509.5 / 8, p50: 150, p95: 1240, p99: 1240 },
      input_tokens: 100,
      output_tokens: 132,
      cost_usd: 2.1875,
      quality: { mean: 3.25 / 5, count: 5 },
    };
    for (const deployment of ["faq", faqId]) {
      const res = await metrics(key, { ...RANGE, deployment, group_by: "release" });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ deployment_id: faqId, release_id: null, overall: faqOnly });
      expect(res.body.releases).toEqual([
        { deployment_id: faqId, release_id: R1, ...RELEASE_1 },
        { deployment_id: faqId, release_id: R2, ...RELEASE_2 },
      ]);
    }
    const one = await metrics(key, { ...RANGE, release: R2, bucket: "1d" });
    expect(one.body).toMatchObject({ deployment_id: null, release_id: R2, overall: RELEASE_2 });
    const both = await metrics(key, { ...RANGE, deployment: "other", release: R3 });
    expect(both.body).toMatchObject({ deployment_id: otherId, release_id: R3, overall: RELEASE_3 });
  });

  it("a workspace key names the environment; production's figures are production's alone", async () => {
    const res = await metrics(ws.adminKey, { ...RANGE, environment: "production", group_by: "release" });
    expect(res.status).toBe(200);
    const figures = {
      executions: 1,
      errors: 0,
      error_rate: 0,
      latency_ms: { mean: 999, p50: 999, p95: 999, p99: 999 },
      input_tokens: 100,
      output_tokens: 100,
      cost_usd: 2,
      quality: { mean: null, count: 0 },
    };
    expect(res.body.environment).toBe("production");
    expect(res.body.overall).toEqual(figures);
    expect(res.body.releases).toEqual([{ deployment_id: faqId, release_id: production.release, ...figures }]);
    expect((await metrics(ws.adminKey, { ...RANGE, environment: "staging" })).body.overall).toEqual(OVERALL);
  });

  it("redelivering executions, even altered, changes nothing", async () => {
    const before = await metrics(key, { ...RANGE, group_by: "release" });
    await deliver(Object.values(e));
    await deliver([{ ...e.e1!, latency_ms: 9999, status: "REJECTED", cost_usd: 100 }]);
    expect(await metrics(key, { ...RANGE, group_by: "release" })).toMatchObject({ status: 200, body: before.body });
  });

  it("feedback that repeats a score changes nothing; a changed score replaces the old one in its hour", async () => {
    const { key, staging, record } = await oneRelease();
    const scored = record({ started_at: at("2026-04-01T08:30:00Z"), latency_ms: 10 });
    const other = record({ started_at: at("2026-04-01T08:45:00Z"), latency_ms: 20 });
    await deliver([scored, other]);
    const quality = async () => (await metrics(key, { from: "2026-04-01T08:00:00Z", to: "2026-04-01T09:00:00Z" })).body.overall.quality;
    const feedback = async (id: string, score: number) =>
      expect((await call("/v1/submit-completion-actuals", { key, body: { actuals: [{ id, quality: score }] } })).status).toBe(200);

    expect(await quality()).toEqual({ mean: null, count: 0 });
    await feedback(scored.id, 0.25);
    expect(await quality()).toEqual({ mean: 0.25, count: 1 });
    await feedback(scored.id, 0.25);
    expect(await quality()).toEqual({ mean: 0.25, count: 1 });
    await feedback(scored.id, 1);
    expect(await quality()).toEqual({ mean: 1, count: 1 });
    await feedback(other.id, 0.5);
    expect(await quality()).toEqual({ mean: 0.75, count: 2 });
    // Text-only feedback keeps the score.
    expect((await call("/v1/submit-completion-actuals", { key, body: { actuals: [{ id: other.id, text: "better" }] } })).status).toBe(200);
    expect(await quality()).toEqual({ mean: 0.75, count: 2 });
    const rollups = await env.DB.prepare("SELECT executions, quality_sum, quality_count FROM execution_rollups WHERE environment_id = ?").bind(staging).all();
    expect(rollups.results).toEqual([{ executions: 2, quality_sum: 1.5, quality_count: 2 }]);
  });

  it("an invocation through execute-prompt counts in the last 24 hours, as its execution record says", async () => {
    const { ws, key, release, deploymentId } = await oneRelease();
    const invoked = await call("/v1/execute-prompt", { key, body: { prompt_deployment_name: "faq", inputs: [{ name: "question", type: "STRING", value: "q" }] } });
    expect(invoked.status).toBe(200);
    const [recorded] = await executionsRecorded(ws.id, 1);
    expect(recorded!.id).toBe(invoked.body.execution_id);
    const execution = (await call(`/v1/executions/${recorded!.id}`, { key })).body;
    const res = await metrics(key, { group_by: "release" });
    expect(res.status).toBe(200);
    const requestedTo = Date.parse(res.body.requested.to);
    expect(Date.parse(res.body.requested.from)).toBe(requestedTo - 24 * 3_600_000);
    expect(Date.parse(res.body.to)).toBe(Math.ceil(requestedTo / 3_600_000) * 3_600_000);
    const bucket = latencyBucket(execution.latency_ms);
    const figures = {
      executions: 1,
      errors: 0,
      error_rate: 0,
      latency_ms: { mean: execution.latency_ms, p50: bucket, p95: bucket, p99: bucket },
      input_tokens: execution.usage?.input_tokens ?? 0,
      output_tokens: execution.usage?.output_tokens ?? 0,
      cost_usd: execution.cost_usd ?? 0,
      quality: { mean: null, count: 0 },
    };
    expect(res.body.overall).toEqual(figures);
    expect(res.body.releases).toEqual([{ deployment_id: deploymentId, release_id: release, ...figures }]);
    expect(res.body.buckets.filter((b: { executions: number }) => b.executions > 0)).toHaveLength(1);
  });

  it("is computed from the rollups alone, not from raw executions", async () => {
    const { ws, key, record } = await oneRelease();
    await deliver([record({ started_at: at("2026-04-02T10:00:00Z"), latency_ms: 10, input_tokens: 3, output_tokens: 4, cost_usd: 0.5 })]);
    const query = { from: "2026-04-02T00:00:00Z", to: "2026-04-03T00:00:00Z", group_by: "release" };
    const before = await metrics(key, query);
    expect(before.body.overall.executions).toBe(1);
    // A plain DELETE fires no trigger: the rollups stay, and so do the figures.
    await env.DB.prepare("DELETE FROM executions WHERE workspace_id = ?").bind(ws.id).run();
    expect((await metrics(key, query)).body).toEqual(before.body);
  });
});

/** A fresh workspace with one release live in staging, and a record builder for it. */
async function oneRelease() {
  const ws = await createWorkspace();
  const key = (await ws.key({ environment: "staging", scopes: ["read", "execute"] })).key;
  const sandbox = await createSandbox(ws);
  const release = (await deploy(ws, sandbox.id, ["staging"])).body.releases[0].id as string;
  const staging = ws.environments.staging!.id;
  const record = (fields: Partial<ExecutionRecord> & Pick<ExecutionRecord, "started_at">) =>
    executionRecord({ workspace_id: ws.id, environment_id: staging, deployment_id: sandbox.deployment_id, release_id: release, ...fields });
  return { ws, key, staging, release, deploymentId: sandbox.deployment_id, record };
}
