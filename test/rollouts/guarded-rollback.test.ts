import { afterEach, describe, expect, it, vi } from "vitest";
import { call } from "../harness";
import { createSandbox } from "../lifecycle/fixtures";
import { deliveriesWhere } from "../webhooks/receiver";
import {
  alarmAt,
  auditActions,
  CANDIDATE_SPEC,
  completion,
  contentHashOf,
  delay,
  executionsRecorded,
  getRollout,
  invoke,
  latestInD1,
  mockNetwork,
  pastEdgeCache,
  pointerInKv,
  QUEUE_TIMEOUT_MS,
  RECEIVER,
  type RolloutSetup,
  rolloutSetup,
  STABLE_SPEC,
  saltOf,
  startedRollout,
  subjectsByArm,
  upstreamSpec,
} from "./fixtures";

afterEach(() => {
  vi.restoreAllMocks();
});

/** Each arm's subjects invoked once; the queue drained until all of them are in D1. */
async function serveBothArms(s: RolloutSetup, rolloutId: string, percent: number, perArm: number) {
  const subjects = subjectsByArm(await saltOf(rolloutId), percent, perArm);
  const served: Record<"candidate" | "stable", string[]> = { candidate: [], stable: [] };
  for (const arm of ["candidate", "stable"] as const) {
    for (const subject of subjects[arm]) {
      const res = await invoke(s.ws, subject);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.release.rollout.arm).toBe(arm);
      served[arm].push(res.body.execution_id);
    }
  }
  await executionsRecorded(s.ws.id, 2 * perArm, `rollout_id = '${rolloutId}'`);
  return { subjects, served };
}

/** After a rollback: the restored release (source revert, the stable content) is LATEST in D1 and a plain pointer in KV, and it alone serves. */
async function expectBackOnStable(s: RolloutSetup, rollout: { id: string; restored_release_id: string }, candidateSubjects: string[], stableText: string) {
  const latest = await latestInD1(s);
  expect(latest).toMatchObject({ id: rollout.restored_release_id, source_type: "revert", source_release_id: s.stableId, content_hash: await contentHashOf(s.stableId) });
  expect(await pointerInKv(s)).toEqual({ release_id: rollout.restored_release_id, version: latest!.version });
  await pastEdgeCache();
  for (let i = 0; i < 20; i++) {
    const res = await invoke(s.ws, candidateSubjects[i % candidateSubjects.length]!);
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Release-Id")).toBe(rollout.restored_release_id);
    expect(res.headers.get("X-Rollout-Arm")).toBeNull();
    expect(res.body.release.rollout).toBeUndefined();
    expect(res.body.outputs[0].value).toBe(stableText);
  }
}

describe("a guarded canary rolls back by itself", { timeout: QUEUE_TIMEOUT_MS }, () => {
  it("at 5%, a candidate whose provider fails every call is rolled back to the stable release, with the judgement, audit events and webhooks", async () => {
    const upstreamCalls: string[] = [];
    const received = mockNetwork((body) => {
      upstreamCalls.push(body);
      return new Response("overloaded", { status: 500 });
    });
    const s = await rolloutSetup(STABLE_SPEC, upstreamSpec("Candidate"), "Rollback on errors");
    const hook = await call("/v1/webhooks?environment=staging", { key: s.ws.adminKey, body: { url: `${RECEIVER}/staging`, events: ["*"] } });
    expect(hook.status).toBe(201);
    const started = await startedRollout(s, {
      steps: [
        { percent: 5, min_duration_seconds: 600, min_executions: 5 },
        { percent: 50, min_duration_seconds: 600, min_executions: 5 },
      ],
      guard: { min_executions: 5, max_error_rate: 0.2 },
    });
    expect(started.percent).toBe(5);

    const { subjects, served } = await serveBothArms(s, started.id, 5, 5);
    // Only the candidate ever reached the failing provider (each of its 5 invokes, with the provider's retries).
    expect(upstreamCalls.length).toBeGreaterThanOrEqual(5);
    expect(upstreamCalls.every((body) => body.includes("Candidate"))).toBe(true);
    const before = Date.now();
    expect(await alarmAt(s, before)).toBe(true);

    const rollout = await getRollout(s, started.id);
    expect(rollout.status).toBe("rolled_back");
    expect(rollout.end_reason).toMatch(/error rate 100\.00% is above 20\.00%/);
    expect(rollout.last_judgement).toMatchObject({
      decision: "roll_back",
      threshold: "max_error_rate",
      step: 0,
      window: { from: started.step_started_at, to: new Date(before).toISOString() },
      candidate: { executions: 5, errors: 5, error_rate: 1 },
      stable: { executions: 5, errors: 0, error_rate: 0 },
    });
    expect(rollout.restored_release_id).toMatch(/^rel_/);
    expect(served.candidate).toHaveLength(5);
    await expectBackOnStable(s, rollout, subjects.candidate, "q");

    expect(await auditActions(s.ws.id, "rollout.")).toEqual(["rollout.started", "rollout.rolled_back"]);
    const deliveries = await deliveriesWhere(s.ws.id, 2, "event_type LIKE 'rollout.%' AND status = 'succeeded'");
    expect(deliveries.map((d) => d.event_type).sort()).toEqual(["rollout.rolled_back", "rollout.started"]);
    const rolledBack = received.find((r) => r.type === "rollout.rolled_back");
    expect(JSON.parse(rolledBack!.body).environment).toBe("staging");
  });

  it("a candidate whose p95 latency is far above the stable release's is rolled back on the latency ratio", async () => {
    mockNetwork(async (body) => {
      // The stable release answers in about 5 ms, the candidate in about 80.
      await delay(body.includes("Candidate") ? 80 : 5);
      return completion(body.includes("Candidate") ? "slow" : "fast");
    });
    const s = await rolloutSetup(upstreamSpec("Stable"), upstreamSpec("Candidate"), "Rollback on latency");
    const started = await startedRollout(s, {
      steps: [{ percent: 30, min_duration_seconds: 600, min_executions: 4 }, { percent: 100 }],
      guard: { min_executions: 4, max_p95_latency_ratio: 3 },
    });
    const { subjects } = await serveBothArms(s, started.id, 30, 4);
    await alarmAt(s, Date.now());

    const rollout = await getRollout(s, started.id);
    expect(rollout.status).toBe("rolled_back");
    const judgement = rollout.last_judgement;
    expect(judgement).toMatchObject({ decision: "roll_back", threshold: "max_p95_latency_ratio", candidate: { executions: 4, errors: 0 }, stable: { executions: 4, errors: 0 } });
    expect(judgement.candidate.p95_latency_ms / judgement.stable.p95_latency_ms).toBeGreaterThan(3);
    await expectBackOnStable(s, rollout, subjects.candidate, "fast");
  });

  it("a candidate whose answers are scored far lower than the stable release's is rolled back on the quality drop", async () => {
    const s = await rolloutSetup(STABLE_SPEC, CANDIDATE_SPEC, "Rollback on quality");
    const started = await startedRollout(s, {
      steps: [{ percent: 25, min_duration_seconds: 600, min_executions: 4 }, { percent: 100 }],
      guard: { min_executions: 4, max_quality_drop: 0.2 },
    });
    const { subjects, served } = await serveBothArms(s, started.id, 25, 4);
    // Without scores there is nothing to compare: the step holds.
    await alarmAt(s, Date.now());
    expect((await getRollout(s, started.id)).status).toBe("running");

    const actuals = await call("/v1/submit-completion-actuals?environment=staging", {
      key: s.ws.adminKey,
      body: { actuals: [...served.candidate.map((id) => ({ id, quality: 0.3 })), ...served.stable.map((id) => ({ id, quality: 0.9 }))] },
    });
    expect(actuals.status, JSON.stringify(actuals.body)).toBe(200);
    await alarmAt(s, Date.now());

    const rollout = await getRollout(s, started.id);
    expect(rollout.status).toBe("rolled_back");
    expect(rollout.last_judgement).toMatchObject({ threshold: "max_quality_drop", candidate: { quality_count: 4 }, stable: { quality_count: 4 } });
    expect(rollout.last_judgement.candidate.quality).toBeCloseTo(0.3, 10);
    expect(rollout.last_judgement.stable.quality).toBeCloseTo(0.9, 10);
    await expectBackOnStable(s, rollout, subjects.candidate, "q");
  });

  it("counts evaluator scores from test-suite runs on either release in the quality it judges", async () => {
    const s = await rolloutSetup(STABLE_SPEC, CANDIDATE_SPEC, "Rollback on evaluator scores");
    const started = await startedRollout(s, {
      steps: [{ percent: 25, min_duration_seconds: 600, min_executions: 4 }, { percent: 100 }],
      guard: { min_executions: 4, max_quality_drop: 0.2 },
    });
    const { subjects } = await serveBothArms(s, started.id, 25, 4);
    await alarmAt(s, Date.now());
    expect((await getRollout(s, started.id)).status).toBe("running");

    // An evaluator in staging that scores the candidate's answers low, and a suite of faq that uses it.
    const judgeSpec = {
      input_variables: [{ key: "output", type: "STRING", required: true }],
      model: { provider: "echo", name: "echo", parameters: {} },
      blocks: [{ role: "user", template: "{% if 'Candidate' in output %}0.2{% else %}0.9{% endif %}" }],
    };
    const judge = await createSandbox(s.ws, "judge", judgeSpec);
    expect((await call(`/v1/sandboxes/${judge.id}/deploy`, { key: s.ws.adminKey, body: { deployment_name: "judge", environments: ["staging"] } })).status).toBe(201);
    const suite = await call("/v1/test-suites", {
      key: s.ws.adminKey,
      body: { name: "judged", deployment: "faq", cases: [{ name: "q", inputs: { question: "q" }, assertions: [{ type: "evaluator", deployment: "judge", min_score: 0.5 }] }] },
    });
    expect(suite.status, JSON.stringify(suite.body)).toBe(201);
    for (const releaseId of [started.candidate_release_id, s.stableId]) {
      const run = await call(`/v1/test-suites/${suite.body.id}/runs`, { key: s.ws.adminKey, body: { release_id: releaseId } });
      expect(run.status, JSON.stringify(run.body)).toBe(201);
    }
    await alarmAt(s, Date.now());

    const rollout = await getRollout(s, started.id);
    expect(rollout.status).toBe("rolled_back");
    expect(rollout.last_judgement).toMatchObject({ threshold: "max_quality_drop", candidate: { quality_count: 1 }, stable: { quality_count: 1 } });
    expect(rollout.last_judgement.candidate.quality).toBeCloseTo(0.2, 10);
    expect(rollout.last_judgement.stable.quality).toBeCloseTo(0.9, 10);
    await expectBackOnStable(s, rollout, subjects.candidate, "q");
  });

  it("does not judge before each arm has the guard's floor of executions, however bad the candidate", async () => {
    mockNetwork(() => new Response("down", { status: 500 }));
    const s = await rolloutSetup(STABLE_SPEC, upstreamSpec("Candidate"), "Guard floor");
    const started = await startedRollout(s, {
      steps: [{ percent: 50, min_duration_seconds: 0, min_executions: 1 }, { percent: 100 }],
      guard: { min_executions: 5, max_error_rate: 0.1 },
    });
    const subjects = subjectsByArm(await saltOf(started.id), 50, 5);
    // Five failing candidate executions, but only four stable ones: under the floor.
    for (const subject of [...subjects.candidate, ...subjects.stable.slice(0, 4)]) expect((await invoke(s.ws, subject)).status).toBe(200);
    await executionsRecorded(s.ws.id, 9, `rollout_id = '${started.id}'`);
    await alarmAt(s, Date.now());
    const held = await getRollout(s, started.id);
    expect(held).toMatchObject({ status: "running", last_judgement: { decision: "hold", threshold: null } });
    expect(held.last_judgement.reason).toMatch(/Waiting for 5 executions in each arm/);

    expect((await invoke(s.ws, subjects.stable[4]!)).status).toBe(200);
    await executionsRecorded(s.ws.id, 10, `rollout_id = '${started.id}'`);
    await alarmAt(s, Date.now());
    expect((await getRollout(s, started.id)).status).toBe("rolled_back");
  });
});
