import { describe, expect, it } from "vitest";
import { appWithVariables } from "../harness";
import {
  alarmAt,
  auditActions,
  executionsRecorded,
  getRollout,
  invoke,
  latestInD1,
  pastEdgeCache,
  pointerInKv,
  QUEUE_TIMEOUT_MS,
  type RolloutSetup,
  rolloutSetup,
  saltOf,
  startedRollout,
  subjectsByArm,
} from "./fixtures";

/** Serves `perArm` subjects of each arm at `percent` (only the candidate at 100%), and waits for their records of `step`. */
async function serveStep(s: RolloutSetup, rolloutId: string, percent: number, step: number, perArm: number, prefix: string) {
  const subjects = subjectsByArm(await saltOf(rolloutId), percent >= 100 ? 99.99 : percent, perArm, prefix);
  const arms = percent >= 100 ? (["candidate"] as const) : (["candidate", "stable"] as const);
  for (const arm of arms) {
    for (const subject of subjects[arm]) {
      const res = await invoke(s.ws, subject);
      expect(res.body.release.rollout, JSON.stringify(res.body)).toEqual({ id: rolloutId, arm, step });
    }
  }
  await executionsRecorded(s.ws.id, arms.length * perArm, `rollout_id = '${rolloutId}' AND rollout_step = ${step}`);
}

describe("a healthy canary", { timeout: QUEUE_TIMEOUT_MS }, () => {
  it("holds while data or time is short, advances through every step, and completes with the candidate on a plain pointer", async () => {
    const s = await rolloutSetup(undefined, undefined, "Healthy canary");
    const started = await startedRollout(s, {
      steps: [
        { percent: 10, min_duration_seconds: 60, min_executions: 3 },
        { percent: 50, min_duration_seconds: 60, min_executions: 3 },
        { percent: 100, min_duration_seconds: 60, min_executions: 3 },
      ],
      guard: { min_executions: 3, max_error_rate: 0.5, max_error_rate_increase: 0.1 },
    });
    const t0 = Date.parse(started.step_started_at);
    const second = 1000;

    // No data: held once for it, however many times the alarm runs.
    await alarmAt(s, t0 + 1 * second);
    await alarmAt(s, t0 + 2 * second);
    let rollout = await getRollout(s, started.id);
    expect(rollout).toMatchObject({ status: "running", step: 0, percent: 10, last_judgement: { decision: "hold", step: 0 } });
    expect(rollout.last_judgement.reason).toMatch(/Waiting for 3 executions in each arm/);
    expect(await auditActions(s.ws.id, "rollout.")).toEqual(["rollout.started", "rollout.held"]);

    // Enough executions but not enough time: a new cause, held once more.
    await serveStep(s, started.id, 10, 0, 3, "a-");
    await alarmAt(s, t0 + 10 * second);
    await alarmAt(s, t0 + 20 * second);
    rollout = await getRollout(s, started.id);
    expect(rollout.last_judgement.reason).toMatch(/The step lasts 60 s; 50 s to go/);
    expect(rollout.last_judgement.candidate).toMatchObject({ executions: 3, errors: 0 });
    expect(await auditActions(s.ws.id, "rollout.")).toEqual(["rollout.started", "rollout.held", "rollout.held"]);

    // The step has lasted its minute: on to 50%.
    await alarmAt(s, t0 + 61 * second);
    rollout = await getRollout(s, started.id);
    expect(rollout).toMatchObject({
      status: "running",
      step: 1,
      percent: 50,
      step_started_at: new Date(t0 + 61 * second).toISOString(),
      last_judgement: { decision: "advance", step: 0 },
    });
    expect(await pointerInKv(s)).toMatchObject({ release_id: started.candidate_release_id, split: { rollout_id: started.id, percent: 50, step: 1 } });
    expect((await auditActions(s.ws.id, "rollout.")).at(-1)).toBe("rollout.advanced");

    // Step 1 judges only its own executions: step 0's three do not count toward it.
    await alarmAt(s, t0 + 200 * second);
    rollout = await getRollout(s, started.id);
    expect(rollout).toMatchObject({ step: 1, last_judgement: { decision: "hold", step: 1, candidate: { executions: 0 } } });

    await pastEdgeCache();
    await serveStep(s, started.id, 50, 1, 3, "b-");
    await alarmAt(s, t0 + 201 * second);
    rollout = await getRollout(s, started.id);
    expect(rollout).toMatchObject({ step: 2, percent: 100, last_judgement: { decision: "advance", step: 1 } });
    expect(await pointerInKv(s)).toMatchObject({ split: { percent: 100, step: 2 } });

    // At 100% the stable arm gets nothing; the candidate's own executions decide.
    await pastEdgeCache();
    await serveStep(s, started.id, 100, 2, 3, "c-");
    await alarmAt(s, t0 + 262 * second);
    rollout = await getRollout(s, started.id);
    expect(rollout).toMatchObject({ status: "completed", percent: 100, end_reason: "Every step passed its guard", last_judgement: { decision: "complete", step: 2 } });
    expect(rollout.ended_at).toBe(new Date(t0 + 262 * second).toISOString());

    expect(await auditActions(s.ws.id, "rollout.")).toEqual([
      "rollout.started",
      "rollout.held",
      "rollout.held",
      "rollout.advanced",
      "rollout.held",
      "rollout.advanced",
      "rollout.completed",
    ]);
    const latest = await latestInD1(s);
    expect(latest!.id).toBe(started.candidate_release_id);
    expect(await pointerInKv(s)).toEqual({ release_id: started.candidate_release_id, version: latest!.version });
    await pastEdgeCache();
    for (const subject of ["a-0", "b-1", "anyone", "x"]) {
      const res = await invoke(s.ws, subject);
      expect(res.headers.get("X-Release-Id")).toBe(started.candidate_release_id);
      expect(res.body.release.rollout).toBeUndefined();
      expect(res.body.outputs[0].value).toBe("Candidate: q");
    }
    // A completed rollout is not judged again (the alarm may still be set, to relay events the object owes).
    await alarmAt(s, t0 + 400 * second);
    expect((await getRollout(s, started.id)).last_judgement).toMatchObject({ decision: "complete", step: 2 });
    expect((await auditActions(s.ws.id, "rollout.")).at(-1)).toBe("rollout.completed");
  });

  it("a rollout completed by hand serves the candidate to everyone on the caller's very next request, however long the edge cache", async () => {
    const s = await rolloutSetup(undefined, undefined, "Complete by hand");
    const started = await startedRollout(s, { steps: [{ percent: 10 }, { percent: 100 }] });
    const subjects = subjectsByArm(await saltOf(started.id), 10, 5);
    // An app whose isolate cache keeps pointers a whole second: the change must wait that out before answering.
    const app = appWithVariables({ EDGE_CACHE_MS: "1000" });
    const ask = (subject: string) =>
      app.call("/v1/execute-prompt?environment=staging", {
        key: s.ws.adminKey,
        body: { prompt_deployment_name: "faq", inputs: [{ type: "STRING", name: "question", value: "q" }], external_id: subject },
      });
    for (const subject of subjects.stable) expect((await ask(subject)).body.release.rollout.arm).toBe("stable");
    const completed = await app.call(`/v1/rollouts/${started.id}/complete`, { method: "POST", key: s.ws.adminKey });
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);
    expect(completed.body).toMatchObject({ status: "completed", percent: 100 });
    for (const subject of subjects.stable) {
      const res = await ask(subject);
      expect(res.headers.get("X-Release-Id")).toBe(started.candidate_release_id);
      expect(res.body.release.rollout).toBeUndefined();
    }
    expect(await auditActions(s.ws.id, "rollout.")).toEqual(["rollout.started", "rollout.completed"]);
  });
});
