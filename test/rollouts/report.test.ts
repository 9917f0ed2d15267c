import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { runBatch } from "../../src/db/batch";
import { openDatabase } from "../../src/db/client";
import { executions } from "../../src/db/schema";
import type { ExecutionRecord } from "../../src/invoke/execution-record";
import { newId } from "../../src/lib/ids";
import type { ShadowExecutionRecord } from "../../src/queue/messages";
import { type RolloutReport, rolloutReport } from "../../src/rollouts/report";
import { insertRollout, type RolloutRow } from "../../src/rollouts/rollout-repository";
import { insertShadowExecutions } from "../../src/rollouts/shadow-repository";
import { createWorkspace, type TestWorkspace } from "../harness";
import { createSandbox, deploy } from "../lifecycle/fixtures";
import { at, deliver, executionRecord } from "../metrics/seed";

const db = openDatabase(env.DB);
const T0 = at("2026-03-10T10:00:00Z");

/** A workspace whose "faq" prompt has two releases in development, the stable one and the candidate. */
async function twoReleases(ws: TestWorkspace) {
  const sandbox = await createSandbox(ws, "faq");
  const stable = await deploy(ws, sandbox.id, ["development"]);
  const candidate = await deploy(ws, sandbox.id, ["development"]);
  expect([stable.status, candidate.status]).toEqual([201, 201]);
  return { deploymentId: sandbox.deployment_id as string, stableId: stable.body.releases[0].id as string, candidateId: candidate.body.releases[0].id as string };
}

/** A rollout row as starting one writes it, between the two releases of `twoReleases`. */
async function insertedRollout(ws: TestWorkspace, releases: Awaited<ReturnType<typeof twoReleases>>, mode: RolloutRow["mode"], status: RolloutRow["status"] = "running") {
  const now = new Date(T0).toISOString();
  const row: RolloutRow = {
    id: newId("rollout"),
    workspaceId: ws.id,
    deploymentId: releases.deploymentId,
    environmentId: ws.environments.development!.id,
    mode,
    status,
    stableReleaseId: releases.stableId,
    candidateReleaseId: releases.candidateId,
    restoredReleaseId: null,
    steps: [
      { percent: 10, min_duration_seconds: 60, min_executions: 10 },
      { percent: 50, min_duration_seconds: 60, min_executions: 10 },
    ],
    stepIndex: 1,
    stepStartedAt: now,
    percent: 50,
    salt: "salt",
    stickyBy: null,
    guard: null,
    lastJudgement: null,
    endReason: null,
    createdAt: now,
    createdBy: "test",
    updatedAt: now,
    endedAt: status === "running" || status === "paused" ? null : now,
  };
  await insertRollout(db, row);
  return row;
}

/** An execution of `rollout`'s arm, in development, otherwise as the invoke path records it. */
function armExecution(rollout: RolloutRow, arm: "stable" | "candidate", step: number, fields: Partial<ExecutionRecord>): ExecutionRecord {
  return executionRecord({
    workspace_id: rollout.workspaceId,
    environment_id: rollout.environmentId,
    deployment_id: rollout.deploymentId,
    release_id: arm === "stable" ? rollout.stableReleaseId : rollout.candidateReleaseId,
    started_at: T0 + step * 60_000,
    rollout_id: rollout.id,
    rollout_arm: arm,
    rollout_step: step,
    ...fields,
  });
}

/** Gives executions their quality scores, in order, as the actuals endpoint would later. */
async function score(workspaceId: string, records: ExecutionRecord[], scores: number[]) {
  await runBatch(
    db,
    records.map((record, i) =>
      db
        .update(executions)
        .set({ qualityScore: scores[i]! })
        .where(and(eq(executions.workspaceId, workspaceId), eq(executions.id, record.id))),
    ),
  );
}

/**
 * One rollout with 100 executions in each arm, split over steps 0 and 1, and
 * every figure of its report worked out by hand.
 *
 *              latencies               errors              cost                  quality scores
 *  stable      101, 102, …, 200        i = 20, 40, … 100   0.01 unless failed    0.8 ×5, 0.9 ×5
 *  candidate   202, 204, …, 400        i = 1 and every     0.02 unless failed    0.6, 0.7, 0.8, 0.9
 *                                      7th (15 of them)
 *
 * Beside it, executions the report must leave out: another rollout's, and
 * ones in another workspace carrying this rollout's id.
 */
describe("the report of a canary rollout", () => {
  let report: RolloutReport;

  beforeAll(async () => {
    const ws = await createWorkspace("Rollout report");
    const rollout = await insertedRollout(ws, await twoReleases(ws), "canary");
    const failed = { status: "REJECTED" as const, error_code: "PROVIDER_ERROR", error_message: "upstream failed", cost_usd: null };

    const stable: ExecutionRecord[] = [];
    const candidate: ExecutionRecord[] = [];
    for (let i = 1; i <= 100; i++) {
      const step = i <= 50 ? 0 : 1;
      stable.push(armExecution(rollout, "stable", step, { latency_ms: 100 + i, cost_usd: 0.01, ...(i % 20 === 0 ? failed : {}) }));
      candidate.push(armExecution(rollout, "candidate", step, { latency_ms: 200 + 2 * i, cost_usd: 0.02, ...(i === 1 || i % 7 === 0 ? failed : {}) }));
    }
    // Another rollout of the same workspace, and this rollout's id in another workspace: both left out.
    const elsewhere = await createWorkspace("Rollout report, elsewhere");
    const strays = [
      armExecution({ ...rollout, id: newId("rollout") }, "stable", 0, { latency_ms: 1_000_000, ...failed }),
      executionRecord({
        workspace_id: elsewhere.id,
        environment_id: elsewhere.environments.development!.id,
        started_at: T0,
        rollout_id: rollout.id,
        rollout_arm: "candidate",
        rollout_step: 0,
        latency_ms: 1_000_000,
        ...failed,
      }),
    ];
    // Interleaved and reversed, so no figure can lean on the order rows were written in.
    await deliver([...stable.flatMap((s, i) => [s, candidate[99 - i]!]), ...strays]);
    await score(ws.id, stable.slice(0, 10), [0.8, 0.8, 0.8, 0.8, 0.8, 0.9, 0.9, 0.9, 0.9, 0.9]);
    await score(ws.id, candidate.slice(0, 4), [0.6, 0.7, 0.8, 0.9]);

    report = await rolloutReport(db, ws.id, rollout);
  });

  it("counts each arm's executions and errors over every step", () => {
    expect(report.stable).toMatchObject({ executions: 100, errors: 5, error_rate: 0.05 });
    expect(report.candidate).toMatchObject({ executions: 100, errors: 15, error_rate: 0.15 });
  });

  it("takes latency percentiles by rank and the mean over every execution", () => {
    // Nearest rank of n = 100: p50 is the 50th value, p95 the 95th, p99 the 99th.
    expect(report.stable.latency).toEqual({ mean_ms: 150.5, p50_ms: 150, p95_ms: 195, p99_ms: 199 });
    expect(report.candidate.latency).toEqual({ mean_ms: 301, p50_ms: 300, p95_ms: 390, p99_ms: 398 });
  });

  it("sums cost over the executions that have one", () => {
    expect(report.stable.cost.total_usd).toBeCloseTo(0.95, 10);
    expect(report.stable.cost.per_execution_usd).toBeCloseTo(0.01, 10);
    expect(report.candidate.cost.total_usd).toBeCloseTo(1.7, 10);
    expect(report.candidate.cost.per_execution_usd).toBeCloseTo(0.02, 10);
  });

  it("averages the quality scores the executions have", () => {
    expect(report.stable.quality.count).toBe(10);
    expect(report.stable.quality.mean).toBeCloseTo(0.85, 10);
    expect(report.candidate.quality.count).toBe(4);
    expect(report.candidate.quality.mean).toBeCloseTo(0.75, 10);
  });

  it("gives the error-rate difference with Newcombe's interval", () => {
    // Wilson, z = 1.959964, z² = 3.841459, n = 100, denominator 1 + z²/n = 1.038415:
    //   candidate 15/100: centre (0.15 + 0.019207) / 1.038415 = 0.162948,
    //     half 1.959964 · √(0.15·0.85/100 + z²/40000) / 1.038415 = 1.959964 · √0.0013710 / 1.038415 = 0.069888
    //     → (0.093060, 0.232836)
    //   stable 5/100: centre (0.05 + 0.019207) / 1.038415 = 0.066646,
    //     half 1.959964 · √(0.05·0.95/100 + z²/40000) / 1.038415 = 1.959964 · √0.00057104 / 1.038415 = 0.045103
    //     → (0.021544, 0.111750)
    // d = 0.15 − 0.05 = 0.10
    // low  = d − √((0.15 − 0.093060)² + (0.111750 − 0.05)²) = 0.10 − √(0.0032422 + 0.0038131) = 0.10 − 0.083996 = 0.016004
    // high = d + √((0.232836 − 0.15)² + (0.05 − 0.021544)²) = 0.10 + √(0.0068618 + 0.0008098) = 0.10 + 0.087587 = 0.187587
    const d = report.difference.error_rate;
    expect(d.estimate).toBeCloseTo(0.1, 10);
    expect(d.ci95![0]).toBeCloseTo(0.016004, 5);
    expect(d.ci95![1]).toBeCloseTo(0.187587, 5);
  });

  it("gives the mean latency difference with Welch's interval", () => {
    // Stable 101…200: mean 150.5, variance n(n+1)/12 = 841.6667 (100 consecutive integers).
    // Candidate 202…400 by 2: mean 301, variance 4 · 841.6667 = 3366.6667.
    // d = 150.5; se² = 8.416667 + 33.666667 = 42.083333, se = 6.487167;
    // df = 42.083333² / ((8.416667² + 33.666667²) / 99) = 1771.0069 / 12.164492 = 145.5882;
    // t(0.975, 145.59) = 1.976392 (SciPy's t.ppf); half = 1.976392 · 6.487167 = 12.821187
    // → (137.678813, 163.321187)
    const d = report.difference.latency_mean_ms;
    expect(d.estimate).toBeCloseTo(150.5, 10);
    expect(d.ci95![0]).toBeCloseTo(137.678813, 3);
    expect(d.ci95![1]).toBeCloseTo(163.321187, 3);
  });

  it("gives the quality difference with Welch's interval for small samples", () => {
    // Stable: mean 0.85, variance 10 · 0.05² / 9 = 0.0027778. Candidate: mean 0.75, variance (2 · 0.15² + 2 · 0.05²) / 3 = 0.0166667.
    // d = −0.10; se² = 0.00027778 + 0.00416667 = 0.00444444, se = 0.0666667;
    // df = 0.00444444² / (0.00027778² / 9 + 0.00416667² / 3) = 1.975309e-5 / 5.795610e-6 = 3.408284;
    // t(0.975, 3.408) = 2.977279 (SciPy's t.ppf); half = 0.198485 → (−0.298485, 0.098485).
    // tCritical interpolates its table there (within 0.21%, here 0.12%: half 0.198732), inside the tolerance.
    const d = report.difference.quality_mean;
    expect(d.estimate).toBeCloseTo(-0.1, 10);
    expect(d.ci95![0]).toBeCloseTo(-0.298485, 3);
    expect(d.ci95![1]).toBeCloseTo(0.098485, 3);
  });

  it("gives the cost difference without an interval when neither arm's cost varies", () => {
    const d = report.difference.cost_per_execution_usd;
    expect(d.estimate).toBeCloseTo(0.01, 10);
    expect(d.ci95).toBeNull();
  });

  it("has no shadow comparison outside a shadow rollout", () => {
    expect(report.shadow).toBeNull();
  });
});

describe("a rollout report with little or no data", () => {
  let ws: TestWorkspace;
  let releases: Awaited<ReturnType<typeof twoReleases>>;

  beforeAll(async () => {
    ws = await createWorkspace("Rollout report, sparse");
    releases = await twoReleases(ws);
  });

  it("reports empty arms and no differences for a rollout that served nothing", async () => {
    const rollout = await insertedRollout(ws, releases, "ab", "aborted");
    const report = await rolloutReport(db, ws.id, rollout);
    const empty = {
      executions: 0,
      errors: 0,
      error_rate: null,
      latency: { mean_ms: null, p50_ms: null, p95_ms: null, p99_ms: null },
      cost: { total_usd: 0, per_execution_usd: null },
      quality: { mean: null, count: 0 },
    };
    const none = { estimate: null, ci95: null };
    expect(report).toEqual({
      stable: empty,
      candidate: empty,
      difference: { error_rate: none, latency_mean_ms: none, cost_per_execution_usd: none, quality_mean: none },
      shadow: null,
    });
  });

  it("gives estimates but no intervals below the sample sizes an interval needs", async () => {
    const rollout = await insertedRollout(ws, releases, "ab", "completed");
    // Five executions an arm: under the 10 the error-rate interval needs. One cost and one score an arm: under Welch's 2.
    const records = [1, 2, 3, 4, 5].flatMap((i) => [
      armExecution(rollout, "stable", 0, { latency_ms: 100 * i, cost_usd: i === 1 ? 0.5 : null, status: i === 1 ? "REJECTED" : "FULFILLED" }),
      armExecution(rollout, "candidate", 0, { latency_ms: 100 * i + 50, cost_usd: i === 1 ? 0.75 : null }),
    ]);
    await deliver(records);
    await score(ws.id, records.slice(0, 2), [0.5, 0.25]);
    const report = await rolloutReport(db, ws.id, rollout);
    expect(report.difference.error_rate).toEqual({ estimate: -0.2, ci95: null });
    // Latency: five values an arm, the same spread (variance 25000), so Welch applies:
    // d = 50, se = √(2 · 25000 / 5) = 100, df = 10000² / (2 · 5000² / 4) = 8, t(8) = 2.306004 → 50 ± 230.6004.
    expect(report.difference.latency_mean_ms.estimate).toBe(50);
    expect(report.difference.latency_mean_ms.ci95![0]).toBeCloseTo(50 - 230.6004, 3);
    expect(report.difference.latency_mean_ms.ci95![1]).toBeCloseTo(50 + 230.6004, 3);
    expect(report.difference.cost_per_execution_usd).toEqual({ estimate: 0.25, ci95: null });
    expect(report.difference.quality_mean).toEqual({ estimate: -0.25, ci95: null });
    // Percentiles of five by rank: p50 the 3rd value, p95 and p99 the 5th.
    expect(report.stable.latency).toEqual({ mean_ms: 300, p50_ms: 300, p95_ms: 500, p99_ms: 500 });
  });
});

describe("the report of a shadow rollout", () => {
  it("compares the shadow candidate's answers with the served ones", async () => {
    const ws = await createWorkspace("Rollout report, shadow");
    const rollout = await insertedRollout(ws, await twoReleases(ws), "shadow");
    const served = [100, 200, 300, 400].map((latency) => armExecution(rollout, "stable", 0, { latency_ms: latency }));
    await deliver(served);
    const shadow = (i: number, fields: Partial<ShadowExecutionRecord>): ShadowExecutionRecord => ({
      id: newId("execution"),
      workspace_id: ws.id,
      environment_id: rollout.environmentId,
      deployment_id: rollout.deploymentId,
      rollout_id: rollout.id,
      release_id: rollout.candidateReleaseId,
      served_execution_id: served[i]!.id,
      status: "FULFILLED",
      error_code: null,
      latency_ms: 100,
      input_tokens: null,
      output_tokens: null,
      cost_usd: null,
      outputs: [],
      same_output: false,
      similarity: 0,
      started_at: T0,
      ...fields,
    });
    await runBatch(
      db,
      insertShadowExecutions(db, [
        shadow(0, { same_output: true, similarity: 1, latency_ms: 150, cost_usd: 0.25 }),
        shadow(1, { same_output: true, similarity: 1, latency_ms: 250, cost_usd: 0.125 }),
        shadow(2, { similarity: 0.5, latency_ms: 350, cost_usd: 0.5 }),
        shadow(3, { similarity: 0.25, latency_ms: 450, status: "REJECTED", error_code: "PROVIDER_ERROR" }),
      ]),
    );

    const report = await rolloutReport(db, ws.id, rollout);
    // Similarity (1 + 1 + 0.5 + 0.25) / 4 = 0.6875; latency (150 + 250 + 350 + 450) / 4 = 300; cost 0.25 + 0.125 + 0.5 = 0.875.
    expect(report.shadow).toEqual({
      executions: 4,
      same_outputs: 2,
      same_output_rate: 0.5,
      mean_similarity: 0.6875,
      errors: 1,
      mean_latency_ms: 300,
      cost_usd: 0.875,
    });
    // The candidate's answers are never in the executions table: only the served (stable) arm has figures there.
    expect(report.stable).toMatchObject({ executions: 4, latency: { mean_ms: 250, p50_ms: 200, p95_ms: 400, p99_ms: 400 } });
    expect(report.candidate.executions).toBe(0);
    expect(report.difference.latency_mean_ms).toEqual({ estimate: null, ci95: null });
  });
});
