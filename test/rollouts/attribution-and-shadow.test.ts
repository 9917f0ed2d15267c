import { afterEach, describe, expect, it, vi } from "vitest";
import { call, createWorkspace } from "../harness";
import { createSandbox, promptSpec, saveSandbox } from "../lifecycle/fixtures";
import {
  completion,
  delay,
  executionsRecorded,
  getRollout,
  invoke,
  mockNetwork,
  QUEUE_TIMEOUT_MS,
  rolloutSetup,
  saltOf,
  shadowExecutionsRecorded,
  startedRollout,
  subjectsByArm,
  upstreamSpec,
} from "./fixtures";

afterEach(() => {
  vi.restoreAllMocks();
});

/** gpt-4o-mini's price (src/runtime/prices.ts) for the fake upstream's usage: 10 input tokens, 4 output. */
const COST_PER_ANSWER = (10 * 0.15 + 4 * 0.6) / 1_000_000;

describe("attribution of a split's executions", { timeout: QUEUE_TIMEOUT_MS }, () => {
  it("an A/B test's responses, execution records and report agree on which release and arm served each request", async () => {
    mockNetwork(async (body) => {
      const candidate = body.includes("Candidate");
      await delay(candidate ? 15 : 5);
      if (body.includes("bad")) return new Response("failed", { status: 500 });
      return completion(candidate ? "from the candidate" : "from the stable release");
    });
    const s = await rolloutSetup(upstreamSpec("Stable"), upstreamSpec("Candidate"), "A/B attribution");
    const rollout = await startedRollout(s, { mode: "ab", percent: 50 });
    expect(rollout).toMatchObject({ percent: 50, stable_release_id: s.stableId });
    const subjects = subjectsByArm(await saltOf(rollout.id), 50, 5);

    // Per arm: five requests, of which the candidate fails two and the stable release one.
    const failing = { candidate: new Set([0, 3]), stable: new Set([2]) };
    const served = new Map<string, { arm: "stable" | "candidate"; releaseId: string }>();
    for (const arm of ["candidate", "stable"] as const) {
      for (const [i, subject] of subjects[arm].entries()) {
        const res = await invoke(s.ws, subject, {}, {}, failing[arm].has(i) ? "bad" : "good");
        expect(res.status).toBe(200);
        const releaseId = arm === "candidate" ? rollout.candidate_release_id : s.stableId;
        expect(res.body.state).toBe(failing[arm].has(i) ? "REJECTED" : "FULFILLED");
        expect(res.headers.get("X-Release-Id")).toBe(releaseId);
        expect(res.body.release).toMatchObject({ id: releaseId, environment: "staging", rollout: { id: rollout.id, arm, step: 0 } });
        expect(res.headers.get("X-Rollout-Arm")).toBe(`${arm}; rollout=${rollout.id}; step=0`);
        if (res.body.state === "FULFILLED") expect(res.body.meta.rollout).toEqual({ id: rollout.id, arm, step: 0 });
        served.set(res.body.execution_id, { arm, releaseId });
      }
    }

    const records = await executionsRecorded(s.ws.id, 10);
    for (const record of records) {
      const expected = served.get(record.id)!;
      expect(record).toMatchObject({ release_id: expected.releaseId, rollout_id: rollout.id, rollout_arm: expected.arm, rollout_step: 0, release_tag: "LATEST" });
    }

    // The report's figures, worked out from the records themselves.
    const report = (await getRollout(s, rollout.id)).report;
    for (const arm of ["candidate", "stable"] as const) {
      const mine = records.filter((r) => r.rollout_arm === arm);
      const errors = mine.filter((r) => r.status === "REJECTED").length;
      const fulfilled = mine.length - errors;
      expect(errors).toBe(failing[arm].size);
      expect(report[arm]).toMatchObject({ executions: 5, errors, error_rate: errors / 5 });
      expect(report[arm].latency.mean_ms).toBeCloseTo(mine.reduce((sum, r) => sum + r.latency_ms, 0) / 5, 6);
      expect(report[arm].cost.total_usd).toBeCloseTo(fulfilled * COST_PER_ANSWER, 12);
      expect(report[arm].cost.per_execution_usd).toBeCloseTo(COST_PER_ANSWER, 12);
    }
    // The candidate is the slower one (about 15 ms against 5).
    expect(report.difference.latency_mean_ms.estimate).toBeGreaterThan(5);
    expect(report.difference.error_rate.estimate).toBeCloseTo(0.2, 10);
  });
});

describe("a shadow rollout", { timeout: QUEUE_TIMEOUT_MS }, () => {
  it("serves only the stable release, runs the candidate beside every request, and keeps its answers out of executions and metrics", async () => {
    const s = await rolloutSetup(promptSpec("{{ question }}"), promptSpec("Candidate: {{ question }}"), "Shadow");
    const rollout = await startedRollout(s, { mode: "shadow", percent: 100 });
    const servedIds: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await invoke(s.ws, `user-${i}`, {}, {}, `question ${i}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("X-Release-Id")).toBe(s.stableId);
      expect(res.body.outputs[0].value).toBe(`question ${i}`);
      expect(JSON.stringify(res.body)).not.toContain("Candidate");
      expect(res.body.release.rollout).toEqual({ id: rollout.id, arm: "stable", step: 0 });
      servedIds.push(res.body.execution_id);
    }

    const shadows = await shadowExecutionsRecorded(s.ws.id, 6);
    expect(shadows.map((r) => r.served_execution_id).sort()).toEqual([...servedIds].sort());
    for (const shadow of shadows) {
      expect(shadow).toMatchObject({ rollout_id: rollout.id, release_id: rollout.candidate_release_id, status: "FULFILLED", same_output: 0 });
      expect(JSON.parse(shadow.outputs)[0].value).toMatch(/^Candidate: question \d$/);
      expect(shadow.similarity).toBeGreaterThan(0);
      expect(shadow.similarity).toBeLessThan(1);
    }

    const executions = await executionsRecorded(s.ws.id, 6);
    expect(executions.every((e) => e.release_id === s.stableId && e.rollout_arm === "stable")).toBe(true);
    const listed = await call("/v1/executions?environment=staging&limit=100", { key: s.ws.adminKey });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((e: { id: string }) => e.id).sort()).toEqual([...servedIds].sort());
    const metrics = await call("/v1/metrics?environment=staging&group_by=release", { key: s.ws.adminKey });
    expect(metrics.status).toBe(200);
    expect(metrics.body.overall.executions).toBe(6);
    expect(metrics.body.releases.map((r: { release_id: string }) => r.release_id)).toEqual([s.stableId]);

    const report = (await getRollout(s, rollout.id)).report;
    expect(report.shadow).toMatchObject({ executions: 6, same_outputs: 0, same_output_rate: 0, errors: 0 });
    expect(report.candidate.executions).toBe(0);
  });

  it("samples only its percentage of subjects for the candidate", async () => {
    const s = await rolloutSetup(undefined, undefined, "Shadow sample");
    const rollout = await startedRollout(s, { mode: "shadow", percent: 30 });
    const subjects = subjectsByArm(await saltOf(rollout.id), 30, 3);
    for (const subject of [...subjects.candidate, ...subjects.stable]) expect((await invoke(s.ws, subject)).headers.get("X-Release-Id")).toBe(s.stableId);
    await executionsRecorded(s.ws.id, 6);
    const shadows = await shadowExecutionsRecorded(s.ws.id, 3);
    const sampled = (await executionsRecorded(s.ws.id, 3, `id IN (${shadows.map((r) => `'${r.served_execution_id}'`).join(", ")})`)).map((e) => e.external_id);
    expect(sampled.sort()).toEqual([...subjects.candidate].sort());
  });
});

describe("a shadow rollout beyond execute-prompt", { timeout: QUEUE_TIMEOUT_MS }, () => {
  it("shadows streamed prompts once each stream has ended, never sending the candidate's text", async () => {
    const s = await rolloutSetup(promptSpec("{{ question }}"), promptSpec("Candidate: {{ question }}"), "Shadow streams");
    const rollout = await startedRollout(s, { mode: "shadow", percent: 100 });
    for (let i = 0; i < 3; i++) {
      const res = await call("/v1/execute-prompt-stream?environment=staging", {
        key: s.ws.adminKey,
        body: { prompt_deployment_name: "faq", inputs: [{ type: "STRING", name: "question", value: `streamed ${i}` }] },
      });
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).toContain(`streamed ${i}`);
      expect(JSON.stringify(res.body)).not.toContain("Candidate");
    }
    const shadows = await shadowExecutionsRecorded(s.ws.id, 3);
    expect(shadows.map((r) => JSON.parse(r.outputs)[0].value).sort()).toEqual(["Candidate: streamed 0", "Candidate: streamed 1", "Candidate: streamed 2"]);
    expect(shadows.every((r) => r.rollout_id === rollout.id && r.same_output === 0)).toBe(true);
  });

  it("shadows workflows, comparing their outputs", async () => {
    const ws = await createWorkspace("Shadow workflows");
    const flow = (greeting: string) => ({
      input_variables: [{ key: "name", type: "STRING" }],
      nodes: [
        { id: "greet", type: "template", template: `${greeting}, {{ inputs.name }}` },
        { id: "out", type: "output", name: "greeting", value: "{{ nodes.greet.text }}" },
      ],
      edges: [{ from: "greet", to: "out" }],
    });
    const sandbox = await createSandbox(ws, "flow", flow("Hello"), "workflow");
    const stable = await call(`/v1/sandboxes/${sandbox.id}/deploy`, { key: ws.adminKey, body: { deployment_name: "flow", environments: ["staging"] } });
    expect(stable.status, JSON.stringify(stable.body)).toBe(201);
    await saveSandbox(ws, sandbox.id, flow("Hi"));
    const dev = await call(`/v1/sandboxes/${sandbox.id}/deploy`, { key: ws.adminKey, body: { deployment_name: "flow", environments: ["development"] } });
    const started = await call("/v1/deployments/flow/rollouts?environment=staging", {
      key: ws.adminKey,
      body: { release_id: dev.body.releases[0].id, mode: "shadow", percent: 100 },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    for (const name of ["Ada", "Grace"]) {
      const res = await call("/v1/execute-workflow?environment=staging", {
        key: ws.adminKey,
        body: { workflow_deployment_name: "flow", inputs: [{ type: "STRING", name: "name", value: name }] },
      });
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).toContain(`Hello, ${name}`);
      expect(JSON.stringify(res.body)).not.toContain("Hi,");
    }
    const shadows = await shadowExecutionsRecorded(ws.id, 2);
    expect(shadows.map((r) => JSON.parse(r.outputs)[0].value).sort()).toEqual(["Hi, Ada", "Hi, Grace"]);
    expect(shadows.every((r) => r.status === "FULFILLED" && r.same_output === 0 && r.similarity > 0 && r.similarity < 1)).toBe(true);
  });
});
